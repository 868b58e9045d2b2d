// The bodies of the fuzz targets. Included by the fuzz crate and by the core
// crate's corpus-replay test, so both run exactly the same checks.

use sessioncore::{ClockReading, SessionEvent, SessionTracker, TrackerConfig};
use sessioncore_conformance::Scenario;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Any bytes: parsing never panics, and what parses also validates.
pub fn scenario_parser(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(scenario) = Scenario::parse(text) {
        assert!(scenario.validate().is_ok(), "a parsed scenario validates");
        assert!(!scenario.steps.is_empty() && !scenario.rules.is_empty());
    }
}

/// Any bytes as a stream of operations on two namespaces of one file, with
/// restarts: no call panics or fails for a reason other than bad input, and
/// every entity keeps the invariants of rules 3, 4, 12 and 14.
pub fn engine_ops(data: &[u8]) {
    static RUN: AtomicU64 = AtomicU64::new(0);
    let base = if std::path::Path::new("/dev/shm").is_dir() {
        "/dev/shm".into()
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!(
        "sessioncore-fuzz-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("sessions.db").display().to_string();
    let config = TrackerConfig {
        foreground_timeout_ms: 30_000,
        background_timeout_ms: 10_000,
        max_session_duration_ms: Some(600_000),
        ..TrackerConfig::default()
    };
    let open = |ns: &str, continue_session: bool| {
        let config = TrackerConfig {
            continue_session_on_restart: continue_session,
            ..config.clone()
        };
        SessionTracker::open(db.clone(), ns.into(), config).expect("open never fails on a healthy file")
    };
    let mut trackers = [open("a", true), open("b", true)];
    let mut last: HashMap<usize, SessionEvent> = HashMap::new();
    let mut now: i64 = 1_700_000_000_000;
    for chunk in data.chunks(3) {
        let (op, a, b) = (chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0));
        let ns = usize::from(a & 1);
        let t = &trackers[ns];
        now += i64::from(i16::from_le_bytes([a, b])) * 40;
        let result = match op % 15 {
            0..=3 => t.track(None, Some(ClockReading::wall(now))).map(Some),
            4 => t.background(None, Some(ClockReading::wall(now))).map(Some),
            5 => t.foreground(None, Some(ClockReading::wall(now))).map(Some),
            6 => t.pause().map(|()| None),
            7 => t.resume().map(|()| None),
            8 => t.start_new_session().map(|()| None),
            9 => t.end_session().map(|_| None),
            10 => t
                .start_manual_session(
                    (b > 127).then_some(1_000_000_000 + i64::from(a)),
                    Some(ClockReading::wall(now)),
                )
                .map(|_| None),
            11 => t.expire_if_idle(Some(ClockReading::wall(now))).map(|_| None),
            12 => {
                if b & 1 == 0 {
                    // A new user's sessions start again at index 1 (rule 20).
                    last.clear();
                }
                t.reset(b & 1 == 0).map(|_| None)
            }
            13 => t.launch(b & 1 == 0).map(|()| None),
            _ => {
                for tracker in &trackers {
                    tracker.close_storage().unwrap();
                }
                trackers = [open("a", b & 1 == 0), open("b", b & 2 == 0)];
                Ok(None)
            }
        };
        match result {
            Ok(Some(Some(event))) => {
                check_event(last.get(&ns), &event);
                last.insert(ns, event);
            }
            Ok(_) => {}
            Err(e) => assert_eq!(e.kind(), "InvalidArgument", "only bad input may fail: {e}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn check_event(previous: Option<&SessionEvent>, event: &SessionEvent) {
    assert!(event.event_index >= 1 && event.session_index >= 1);
    assert_eq!(event.is_new_session, event.event_index == 1);
    assert_eq!(event.is_new_session, event.new_session_reason.is_some());
    if let Some(previous) = previous {
        if previous.session_id == event.session_id {
            assert_eq!(
                event.event_index,
                previous.event_index + 1,
                "events of a session are counted one by one"
            );
            assert_eq!(event.session_index, previous.session_index);
        } else {
            assert!(
                event.session_index > previous.session_index,
                "session indexes only grow"
            );
        }
    }
    let entity: serde_json::Value = serde_json::from_str(&event.snowplow_context_json).unwrap();
    assert_eq!(entity["data"]["sessionId"], event.session_id.as_str());
    assert_eq!(entity["data"]["eventIndex"], event.event_index);
}
