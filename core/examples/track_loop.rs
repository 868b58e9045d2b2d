//! A fixed workload for profiling the per-event path under callgrind
//! (scripts/profile-track.sh): open a database, then `track` N times with
//! explicit times, then read a getter N times. Counts instructions, which
//! stay the same whatever else the machine is doing.
//!   usage: track_loop DIR [EVENTS]

use sessioncore::{ClockReading, SessionTracker, TrackerConfig};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: track_loop DIR [EVENTS]"));
    let events: i64 = args.next().map_or(2_000, |n| n.parse().expect("EVENTS is a number"));
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
