//! The core's log lines: the app's level is honoured, notable events
//! (recovery of a damaged file) are logged, and nothing personal — user ids,
//! session ids, app user ids — appears above debug level.

use log::{Level, LevelFilter, Log, Metadata, Record};
use sessioncore::{set_log_level, ClockReading, LogLevel, SessionTracker, TrackerConfig};
use std::sync::Mutex;

static LINES: Mutex<Vec<(Level, String)>> = Mutex::new(Vec::new());

struct Capture;

impl Log for Capture {
    fn enabled(&self, _: &Metadata) -> bool {
        true
    }
    fn log(&self, record: &Record) {
        LINES.lock().unwrap().push((record.level(), record.args().to_string()));
    }
    fn flush(&self) {}
}

#[test]
fn levels_are_honoured_and_nothing_personal_is_logged_above_debug() {
    log::set_logger(&Capture).unwrap();
    let dir = std::env::temp_dir().join(format!("sessioncore-logging-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("sessions.db").display().to_string();
    std::fs::write(&db, b"this is not a database").unwrap();

    let open = || SessionTracker::open(db.clone(), "default".into(), TrackerConfig::default()).unwrap();
    set_log_level(LogLevel::Trace).unwrap();
    assert_eq!(log::max_level(), LevelFilter::Trace);
    let tracker = open();
    tracker.set_app_user_id(Some("alice@example.com".into())).unwrap();
    let event = tracker
        .track(None, Some(ClockReading::wall(1_700_000_000_000)))
        .unwrap()
        .unwrap();
    tracker.start_new_session().unwrap();
    tracker
        .track(None, Some(ClockReading::wall(1_700_000_001_000)))
        .unwrap()
        .unwrap();
    drop(tracker);
    open().track(None, Some(ClockReading::wall(1_700_000_002_000))).unwrap();

    let lines = LINES.lock().unwrap().clone();
    assert!(
        lines
            .iter()
            .any(|(level, line)| *level == Level::Warn && line.contains("moved aside")),
        "the recovery is logged: {lines:?}"
    );
    let personal = [event.user_id.as_str(), event.session_id.as_str(), "alice@example.com"];
    for (level, line) in lines.iter().filter(|(level, _)| *level <= Level::Info) {
        for value in personal {
            assert!(!line.contains(value), "{level} line carries {value}: {line}");
        }
    }

    set_log_level(LogLevel::Off).unwrap();
    assert_eq!(log::max_level(), LevelFilter::Off);
    std::fs::remove_dir_all(&dir).unwrap();
}
