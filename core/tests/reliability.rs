//! Crash and concurrency evidence (issue: prove it holds):
//! - kill -9 at random instants while a child process tracks, transitions and
//!   restarts, with each durability (an app kill must lose nothing committed
//!   under either; they differ on power loss only): afterwards the file passes `integrity_check` and the reopened
//!   state is the last state the child was told was committed, or the one
//!   after it (its last call may have committed just before the kill);
//! - several threads on one tracker, and several processes on one file:
//!   every event gets a distinct (sessionId, eventIndex), each session's
//!   indexes have no gaps, and no call fails with `database is locked`.
//!
//! Child processes are this test binary run again with `SESSIONCORE_CHILD`
//! set. `SESSIONCORE_KILLS` sets the number of kills (default 200;
//! `scripts/reliability-long.sh` runs thousands).

use sessioncore::{ClockReading, Durability, SessionTracker, TrackerConfig};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const T0: i64 = 1_700_000_000_000;

/// xorshift64*: deterministic per seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sessioncore-reliability-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open(db: &Path) -> Arc<SessionTracker> {
    open_with(db, Durability::Full)
}

fn open_with(db: &Path, durability: Durability) -> Arc<SessionTracker> {
    let config = TrackerConfig {
        foreground_timeout_ms: 10_000,
        background_timeout_ms: 5_000,
        durability: Some(durability),
        ..Default::default()
    };
    SessionTracker::open(db.display().to_string(), "default".into(), config).expect("open")
}

fn spawn_child(mode: &str, args: &[String]) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_process_entry", "--nocapture", "--test-threads=1"])
        .env("SESSIONCORE_CHILD", mode)
        .env("SESSIONCORE_CHILD_ARGS", args.join(" "))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn child")
}

/// One committed state as the child reports it: `state <session> <index> <event> <bg>`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Committed {
    session_id: String,
    session_index: i32,
    event_index: i32,
    in_background: bool,
}

fn committed_now(tracker: &SessionTracker) -> Committed {
    let state = tracker.state().expect("state");
    Committed {
        session_id: state.session_id.unwrap_or_default(),
        session_index: state.session_index.unwrap_or(0),
        event_index: state.event_index.unwrap_or(0),
        in_background: state.is_in_background,
    }
}

/// The entry point of every child process; a no-op in a normal test run.
#[test]
fn child_process_entry() {
    let Ok(mode) = std::env::var("SESSIONCORE_CHILD") else {
        return;
    };
    let args: Vec<String> = std::env::var("SESSIONCORE_CHILD_ARGS")
        .unwrap()
        .split(' ')
        .map(str::to_owned)
        .collect();
    let db = PathBuf::from(&args[0]);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // The harness has printed "test child_process_entry ... " without a newline.
    writeln!(out).unwrap();
    match mode.as_str() {
        "crash" => {
            let mut rng = Rng(args[1].parse::<u64>().unwrap() | 1);
            let durability = durability_named(&args[2]);
            let mut tracker = open_with(&db, durability);
            let mut now = T0 + args[1].parse::<i64>().unwrap() * 1_000_000;
            loop {
                now += [10, 100, 1_000, 7_000, 20_000][rng.below(5) as usize];
                match rng.below(20) {
                    0 => tracker = open_with(&db, durability),
                    1 => tracker.start_new_session().map(|_| ()).unwrap(),
                    2..=3 => drop(tracker.background(None, Some(ClockReading::wall(now))).unwrap()),
                    4..=5 => drop(tracker.foreground(None, Some(ClockReading::wall(now))).unwrap()),
                    _ => drop(tracker.track(None, Some(ClockReading::wall(now))).unwrap()),
                }
                let c = committed_now(&tracker);
                writeln!(
                    out,
                    "state {} {} {} {}",
                    c.session_id, c.session_index, c.event_index, c.in_background
                )
                .unwrap();
                out.flush().unwrap();
            }
        }
        "events" => {
            let count: usize = args[1].parse().unwrap();
            let renew_every: usize = args[2].parse().unwrap();
            let tracker = open(&db);
            for i in 0..count {
                if renew_every > 0 && i % renew_every == renew_every - 1 {
                    tracker.start_new_session().unwrap();
                }
                let event = tracker
                    .track(None, Some(ClockReading::wall(T0)))
                    .unwrap_or_else(|e| panic!("track failed: {e}"))
                    .unwrap();
                writeln!(out, "event {} {}", event.session_id, event.event_index).unwrap();
            }
            out.flush().unwrap();
        }
        other => panic!("unknown child mode {other}"),
    }
}

fn parse_state(line: &str) -> Option<Committed> {
    let mut parts = line.strip_prefix("state ")?.split(' ');
    let session_id = parts.next()?.to_owned();
    let session_index = parts.next()?.parse().ok()?;
    let event_index = parts.next()?.parse().ok()?;
    let in_background = parts.next()?.parse().ok()?;
    Some(Committed {
        session_id,
        session_index,
        event_index,
        in_background,
    })
}

/// The reopened state must be the last reported one or one step after it.
fn check_after_kill(last: Option<&Committed>, now: &Committed) -> Result<(), String> {
    let Some(last) = last else {
        return if now.session_index <= 1 && now.event_index <= 1 {
            Ok(())
        } else {
            Err(format!("nothing was reported committed, yet the file holds {now:?}"))
        };
    };
    let same_session = now.session_id == last.session_id;
    let ok = if same_session {
        now.session_index == last.session_index
            && (now.event_index == last.event_index || now.event_index == last.event_index + 1)
    } else {
        // The unreported call started a new session (an event, or nothing yet
        // for a pending one): the index moved by exactly one.
        now.session_index == last.session_index + 1 && now.event_index == 1
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "after the kill the file holds {now:?}, but the last committed state reported was {last:?}"
        ))
    }
}

fn durability_named(name: &str) -> Durability {
    match name {
        "full" => Durability::Full,
        "normal" => Durability::Normal,
        other => panic!("no durability {other:?}"),
    }
}

#[test]
fn kill_minus_nine_at_random_instants_loses_nothing_committed_with_full_durability() {
    kill_at_random_instants("full");
}

#[test]
fn kill_minus_nine_at_random_instants_loses_nothing_committed_with_normal_durability() {
    kill_at_random_instants("normal");
}

fn kill_at_random_instants(durability: &str) {
    let kills: u64 = std::env::var("SESSIONCORE_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = temp_dir(&format!("kill-{durability}"));
    let db = dir.join("sessions.db");
    let mut rng = Rng(0x5eed);
    let mut reported_before: Option<Committed> = None;
    let (mut mid_work, mut sessions_reached) = (0, 0);
    for kill in 0..kills {
        let mut child = spawn_child(
            "crash",
            &[db.display().to_string(), (kill + 1).to_string(), durability.to_owned()],
        );
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| parse_state(&l))
                .last()
        });
        std::thread::sleep(Duration::from_micros(2_000 + rng.below(25_000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let reported = reader.join().unwrap();
        if reported.is_some() {
            mid_work += 1;
        }
        let last = reported.or(reported_before.clone());

        let conn = rusqlite::Connection::open(&db).unwrap();
        let check: String = conn.pragma_query_value(None, "integrity_check", |r| r.get(0)).unwrap();
        assert_eq!(check, "ok", "integrity after kill {kill}");
        drop(conn);
        let tracker = open_with(&db, durability_named(durability));
        assert!(
            tracker.recovery().unwrap().is_none(),
            "kill {kill} left a file that needed recovery"
        );
        let now = committed_now(&tracker);
        if let Err(message) = check_after_kill(last.as_ref(), &now) {
            panic!("kill {kill}: {message}");
        }
        sessions_reached = now.session_index;
        reported_before = Some(now);
    }
    std::fs::remove_dir_all(&dir).unwrap();
    println!("{durability}: {kills} kills ({mid_work} after the child had committed work), {sessions_reached} sessions; every reopened state was a committed one");
    assert!(
        mid_work * 2 > kills,
        "most kills must land while the child is working, not while it starts"
    );
}

/// Checks a set of (sessionId, eventIndex): all distinct, no gaps per session.
fn check_events(events: &[(String, i32)], expected_total: usize) {
    assert_eq!(events.len(), expected_total, "every event got an entity");
    let distinct: HashSet<&(String, i32)> = events.iter().collect();
    assert_eq!(
        distinct.len(),
        events.len(),
        "a (sessionId, eventIndex) was handed out twice"
    );
    let mut per_session: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for (session, index) in events {
        per_session.entry(session).or_default().push(*index);
    }
    for (session, indexes) in &mut per_session {
        indexes.sort_unstable();
        let expected: Vec<i32> = (1..=indexes.len() as i32).collect();
        assert_eq!(indexes, &expected, "session {session} has gaps or duplicates");
    }
}

#[test]
fn threads_on_one_tracker_lose_no_update() {
    let dir = temp_dir("threads");
    let tracker = open(&dir.join("sessions.db"));
    let (threads, per_thread) = (4, 1_000);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let tracker = tracker.clone();
            std::thread::spawn(move || {
                (0..per_thread)
                    .map(|i| {
                        if t == 0 && i % 250 == 249 {
                            tracker.start_new_session().unwrap();
                        }
                        let event = tracker.track(None, Some(ClockReading::wall(T0))).unwrap().unwrap();
                        (event.session_id, event.event_index)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let events: Vec<(String, i32)> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    check_events(&events, threads * per_thread);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn processes_on_one_file_lose_no_update() {
    let dir = temp_dir("processes");
    let db = dir.join("sessions.db");
    open(&db); // create it before the race
    let (processes, per_process) = (4, 1_500);
    let children: Vec<Child> = (0..processes)
        .map(|p| {
            let renew_every = if p == 0 { 500 } else { 0 };
            spawn_child(
                "events",
                &[
                    db.display().to_string(),
                    per_process.to_string(),
                    renew_every.to_string(),
                ],
            )
        })
        .collect();
    let mut events = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "a child process failed (see its stderr above)");
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            if let Some(rest) = line.strip_prefix("event ") {
                let (session, index) = rest.split_once(' ').unwrap();
                events.push((session.to_owned(), index.parse().unwrap()));
            }
        }
    }
    check_events(&events, processes * per_process);
    std::fs::remove_dir_all(&dir).unwrap();
}
