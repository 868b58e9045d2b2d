//! A fixed workload for profiling the per-event path under callgrind
//! (scripts/profile-track.sh): `track` EVENTS times with explicit times,
//! then read a getter EVENTS times; or, with `floor`, the physical floor the
//! benchmarks compare `track` with: EVENTS bare single-row UPDATE commits
//! with the same pragmas. Counts instructions, which stay the same whatever
//! else the machine is doing.
//!   usage: track_loop DIR [EVENTS] [track|floor]

use sessioncore::{ClockReading, SessionTracker, TrackerConfig};
use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: track_loop DIR [EVENTS] [track|floor]"));
    let events: i64 = args.next().map_or(2_000, |n| n.parse().expect("EVENTS is a number"));
    match args.next().as_deref() {
        None | Some("track") => track(&dir, events),
        Some("floor") => floor(&dir, events),
        Some(other) => panic!("no workload {other:?}: track or floor"),
    }
}

fn track(dir: &Path, events: i64) {
    let path = dir.join("profile.db");
    let _ = std::fs::remove_file(&path);
    let tracker =
        SessionTracker::open(path.display().to_string(), "default".into(), TrackerConfig::default()).expect("open");
    let t0 = 1_700_000_000_000;
    for i in 0..events {
        tracker.track(None, Some(ClockReading::wall(t0 + i))).expect("track");
    }
    for _ in 0..events {
        tracker.session_index().expect("getter");
    }
    tracker.close_storage().expect("close");
}

fn floor(dir: &Path, events: i64) {
    let path = dir.join("floor.db");
    let _ = std::fs::remove_file(&path);
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (1, 0);",
    )
    .expect("schema");
    let mut update = conn.prepare("UPDATE t SET v = v + 1 WHERE id = 1").expect("prepare");
    for _ in 0..events {
        update.execute([]).expect("update");
    }
}
