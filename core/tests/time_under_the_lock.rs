//! Time under the lock (docs/semantics.md, "Time"): threads and processes
//! tracking at once on one file through the clock-reading calls. The core
//! reads the clocks after it holds the write lock, so call order is time
//! order: no event is ever judged earlier than the stored last activity.
//!
//! Two runs of threads × processes: with the default timeouts every event
//! lands in one session; with zero timeouts nearly every event starts one,
//! and the sessions' start times (the wall clock read under the lock) never
//! go backwards in commit order. Each prints its counts.

use sessioncore::{NewSessionReason, SessionTracker, TrackerConfig};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

const THREADS: usize = 4;
const PROCESSES: usize = 3;
const EVENTS_PER_CALLER: usize = 150;

/// One tracked event as a caller saw it.
#[derive(Debug, Clone)]
struct Seen {
    session_id: String,
    session_index: i32,
    event_index: i32,
    session_start_ms: i64,
    reason: Option<NewSessionReason>,
}

fn open(db: &Path, zero_timeouts: bool) -> Arc<SessionTracker> {
    let mut config = TrackerConfig::default();
    if zero_timeouts {
        (config.foreground_timeout_ms, config.background_timeout_ms) = (0, 0);
    }
    SessionTracker::open(db.display().to_string(), "default".into(), config).expect("open")
}

/// `THREADS` threads: even ones share one tracker, odd ones open their own.
fn track_from_threads(db: &Path, zero_timeouts: bool) -> Vec<Seen> {
    let shared = open(db, zero_timeouts);
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let tracker = if t % 2 == 0 {
                shared.clone()
            } else {
                open(db, zero_timeouts)
            };
            std::thread::spawn(move || {
                (0..EVENTS_PER_CALLER)
                    .map(|_| {
                        let e = tracker.track(None, None).expect("track").expect("an entity");
                        Seen {
                            session_id: e.session_id,
                            session_index: e.session_index,
                            event_index: e.event_index,
                            session_start_ms: e.session_start_ms,
                            reason: e.new_session_reason,
                        }
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
}

#[test]
fn child_process_entry() {
    let Ok(args) = std::env::var("SESSIONCORE_CLOCK_CHILD") else {
        return;
    };
    let (db, zero) = args.split_once('|').unwrap();
    let mut out = std::io::stdout().lock();
    writeln!(out).unwrap();
    for s in track_from_threads(Path::new(db), zero == "zero") {
        let reason = s.reason.map_or("-", NewSessionReason::as_str);
        let line = format!(
            "seen {} {} {} {} {reason}",
            s.session_id, s.session_index, s.event_index, s.session_start_ms
        );
        writeln!(out, "{line}").unwrap();
    }
}

fn parse(line: &str) -> Option<Seen> {
    let mut f = line.strip_prefix("seen ")?.split(' ');
    Some(Seen {
        session_id: f.next()?.to_owned(),
        session_index: f.next()?.parse().ok()?,
        event_index: f.next()?.parse().ok()?,
        session_start_ms: f.next()?.parse().ok()?,
        reason: NewSessionReason::parse(f.next()?),
    })
}

/// Every caller at once: this process's threads and `PROCESSES` children, each with threads.
fn track_everywhere(name: &str, zero_timeouts: bool) -> Vec<Seen> {
    let dir: PathBuf = std::env::temp_dir().join(format!("sessioncore-clock-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("sessions.db");
    drop(open(&db, zero_timeouts)); // created before the race
    let mode = if zero_timeouts { "zero" } else { "default" };
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "child_process_entry", "--nocapture", "--test-threads=1"])
                .env("SESSIONCORE_CLOCK_CHILD", format!("{}|{mode}", db.display()))
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut seen = track_from_threads(&db, zero_timeouts);
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "a child failed");
        seen.extend(String::from_utf8(output.stdout).unwrap().lines().filter_map(parse));
    }
    std::fs::remove_dir_all(&dir).unwrap();
    let expected = (PROCESSES + 1) * THREADS * EVENTS_PER_CALLER;
    assert_eq!(seen.len(), expected, "every event of every caller was tracked");
    let backwards = seen
        .iter()
        .filter(|s| s.reason == Some(NewSessionReason::ClockMovedBackwards))
        .count();
    let sessions: BTreeMap<i32, Vec<&Seen>> = seen.iter().fold(BTreeMap::new(), |mut by, s| {
        by.entry(s.session_index).or_default().push(s);
        by
    });
    eprintln!(
        "{name}: {} threads x {} processes (and this one), {} events, {} sessions, {backwards} clockMovedBackwards",
        THREADS,
        PROCESSES,
        seen.len(),
        sessions.len()
    );
    assert_eq!(
        backwards, 0,
        "no event was judged earlier than the stored last activity"
    );
    for (index, events) in &sessions {
        let mut indexes: Vec<i32> = events.iter().map(|s| s.event_index).collect();
        indexes.sort_unstable();
        assert_eq!(
            indexes,
            (1..=events.len() as i32).collect::<Vec<_>>(),
            "session {index}: 1..n"
        );
        assert!(
            events.iter().all(|s| s.session_id == events[0].session_id),
            "one id per index"
        );
    }
    assert_eq!(
        sessions.keys().copied().collect::<Vec<_>>(),
        (1..=sessions.len() as i32).collect::<Vec<_>>(),
        "session indexes are consecutive"
    );
    seen
}

#[test]
fn one_session_for_every_caller_with_the_default_timeouts() {
    let seen = track_everywhere("default", false);
    assert!(seen.iter().all(|s| s.session_index == 1), "exactly one session");
}

#[test]
fn session_starts_follow_commit_order_with_zero_timeouts() {
    let seen = track_everywhere("zero", true);
    let mut starts: BTreeMap<i32, i64> = BTreeMap::new();
    for s in &seen {
        starts.insert(s.session_index, s.session_start_ms);
        assert!(
            matches!(
                s.reason,
                None | Some(NewSessionReason::FirstSession | NewSessionReason::ForegroundTimeout)
            ),
            "{:?}",
            s.reason
        );
    }
    let in_commit_order: Vec<i64> = starts.values().copied().collect();
    let went_back = in_commit_order.windows(2).filter(|w| w[1] < w[0]).count();
    eprintln!(
        "zero: {} sessions, {went_back} started earlier than the one before",
        starts.len()
    );
    assert_eq!(
        went_back, 0,
        "times are read under the lock, so starts follow commit order"
    );
}
