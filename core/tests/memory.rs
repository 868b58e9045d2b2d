//! RSS stays flat while tracking: no memory grows per event. The suite runs
//! 200 000 events; `scripts/reliability-long.sh` runs a million
//! (`SESSIONCORE_RSS_EVENTS`). The file lives on tmpfs when there is one, so
//! that the run takes seconds; memory use does not depend on fsync.

use sessioncore::{ClockReading, SessionTracker, TrackerConfig};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS")
}

#[test]
fn rss_is_flat_over_many_events() {
    let events: u64 = std::env::var("SESSIONCORE_RSS_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let shm = std::path::Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!("sessioncore-rss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("sessions.db").display().to_string();
    let tracker = SessionTracker::open(db, "default".into(), TrackerConfig::default()).unwrap();
    let warmup = events / 10;
    let mut samples = Vec::new();
    for i in 0..events {
        // A new session every 10 000 events, so session starts are measured too.
        let now = 1_700_000_000_000 + (i as i64) * 10 + (i as i64 / 10_000) * 3_600_000;
        tracker.track(None, Some(ClockReading::wall(now))).unwrap().unwrap();
        if i % (events / 20) == 0 {
            samples.push((i, rss_kib()));
        }
    }
    samples.push((events, rss_kib()));
    let after_warmup: Vec<u64> = samples.iter().filter(|(i, _)| *i >= warmup).map(|(_, r)| *r).collect();
    let (low, high) = (after_warmup.iter().min().unwrap(), after_warmup.iter().max().unwrap());
    println!("RSS (KiB) by events tracked: {samples:?}");
    println!("{events} events: RSS after warm-up between {low} and {high} KiB");
    std::fs::remove_dir_all(&dir).unwrap();
    // Growing per event would show as hundreds of KiB over the run.
    assert!(high - low <= 512, "RSS grew from {low} to {high} KiB");
}
