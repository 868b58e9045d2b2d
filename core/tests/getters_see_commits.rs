//! A getter answers from what its tracker already knows when nothing was
//! committed since (storage/change_probe.rs), and reads the file again on
//! the very next call after any other connection commits: another tracker
//! object in this process, or another process. A change reads the row
//! again exactly when another connection committed since (the pager's data
//! version, storage/connection.rs). Run across WAL checkpoints
//! and restarts (thousands of commits), which rewrite the WAL-index header
//! the probe watches.

use sessioncore::{ClockReading, SessionTracker, TrackerConfig};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

const T0: i64 = 1_700_000_000_000;
/// Enough commits for several automatic checkpoints (every 1 000 WAL pages).
const EVENTS: i64 = 3_000;

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sessioncore-getters-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("sessions.db")
}

fn open(db: &Path) -> Arc<SessionTracker> {
    SessionTracker::open(db.display().to_string(), "default".into(), TrackerConfig::default()).unwrap()
}

#[test]
fn another_tracker_objects_commits_show_at_the_next_getter() {
    let db = temp_db("objects");
    let (writer, reader) = (open(&db), open(&db));
    let mut served_twice = 0;
    for i in 0..EVENTS {
        let event = writer.track(None, Some(ClockReading::wall(T0 + i))).unwrap().unwrap();
        // Twice: the second read finds nothing new and answers from memory.
        for _ in 0..2 {
            let state = reader.state().unwrap();
            assert_eq!(
                (state.session_id.as_deref(), state.event_index),
                (Some(event.session_id.as_str()), Some(event.event_index)),
                "after event {i}"
            );
            served_twice += 1;
        }
        if i % 500 == 0 {
            // The reader commits too: the writer must see it at once.
            reader.background(None, Some(ClockReading::wall(T0 + i))).unwrap();
            assert!(writer.is_in_background().unwrap());
            reader.foreground(None, Some(ClockReading::wall(T0 + i))).unwrap();
            assert!(!writer.is_in_background().unwrap());
        }
    }
    println!("{EVENTS} commits, {served_twice} getter reads, every one current");
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

#[test]
fn a_change_reads_what_another_object_committed_without_a_getter_between() {
    let db = temp_db("writers");
    let writers = [open(&db), open(&db)];
    for i in 0..EVENTS {
        let event = writers[(i % 2) as usize]
            .track(None, Some(ClockReading::wall(T0 + i)))
            .unwrap()
            .unwrap();
        assert_eq!(
            event.event_index,
            (i + 1) as i32,
            "event {i} continues the other object's"
        );
    }
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

/// The child: tracks EVENTS events, printing each event index after its
/// commit and waiting for the parent's line before the next one.
#[test]
fn child_process_entry() {
    let Ok(db) = std::env::var("SESSIONCORE_GETTERS_CHILD") else {
        return;
    };
    let tracker = open(Path::new(&db));
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut out = std::io::stdout().lock();
    writeln!(out).unwrap();
    for i in 0..EVENTS {
        let event = tracker.track(None, Some(ClockReading::wall(T0 + i))).unwrap().unwrap();
        writeln!(out, "event {} {}", event.session_id, event.event_index).unwrap();
        out.flush().unwrap();
        lines.next().unwrap().unwrap();
    }
}

#[test]
fn another_processes_commits_show_at_the_next_getter() {
    let db = temp_db("process");
    let reader = open(&db);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_process_entry", "--nocapture", "--test-threads=1"])
        .env("SESSIONCORE_GETTERS_CHILD", &db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut to_child = child.stdin.take().unwrap();
    let from_child = BufReader::new(child.stdout.take().unwrap());
    let mut seen = 0;
    for line in from_child.lines().map(Result::unwrap) {
        let Some(event) = line.strip_prefix("event ") else {
            continue;
        };
        let (session_id, event_index) = event.split_once(' ').unwrap();
        for _ in 0..2 {
            let state = reader.state().unwrap();
            assert_eq!(
                (state.session_id.as_deref(), state.event_index),
                (Some(session_id), Some(event_index.parse().unwrap())),
                "after the child's event {seen}"
            );
        }
        seen += 1;
        writeln!(to_child, "next").unwrap();
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(seen, EVENTS);
    println!("{EVENTS} commits by another process, each seen by the next getter");
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}
