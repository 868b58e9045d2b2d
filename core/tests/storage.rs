//! Persistence and bad input (rules 1, 11, 16, 17): what `open` does with
//! damaged, foreign, newer or unwritable files, and consistency between
//! tracker objects on one file.

use sessioncore::{BootClockReading, ClockReading, SessionCoreError, SessionTracker, TrackerConfig, SCHEMA_VERSION};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const T0: i64 = 1_700_000_000_000;

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let path = std::env::temp_dir().join(format!("sessioncore-storage-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Dir(path)
    }

    fn db(&self) -> PathBuf {
        self.0.join("sessions.db")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn open(path: &Path, namespace: &str) -> Result<Arc<SessionTracker>, SessionCoreError> {
    SessionTracker::open(path.display().to_string(), namespace.into(), TrackerConfig::default())
}

fn kind<T>(result: Result<T, SessionCoreError>) -> &'static str {
    match result {
        Ok(_) => "Ok",
        Err(e) => e.kind(),
    }
}

#[test]
fn state_survives_reopening_in_wal_mode_with_full_sync() {
    let dir = Dir::new("reopen");
    let first = open(&dir.db(), "default").unwrap();
    let event = first.track(None, Some(ClockReading::wall(T0))).unwrap().unwrap();
    first.close_storage().unwrap();
    let again = open(&dir.db(), "default").unwrap();
    assert_eq!(again.session_id().unwrap(), Some(event.session_id));
    assert_eq!(again.user_id().unwrap(), event.user_id);
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), version), ("wal", SCHEMA_VERSION));
}

#[test]
fn a_file_that_is_not_sqlite_is_moved_aside_and_kept() {
    let dir = Dir::new("foreign");
    let junk: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(dir.db(), &junk).unwrap();
    let tracker = open(&dir.db(), "default").unwrap();
    let recovery = tracker.recovery().unwrap().expect("a recovery is reported");
    assert_eq!(recovery.moved_to, format!("{}.corrupt-1", dir.db().display()));
    assert_eq!(
        std::fs::read(&recovery.moved_to).unwrap(),
        junk,
        "the damaged file is kept byte for byte"
    );
    assert!(
        tracker
            .track(None, Some(ClockReading::wall(T0)))
            .unwrap()
            .unwrap()
            .is_new_session
    );
    // A second damaged file does not overwrite the first one kept aside.
    tracker.close_storage().unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", dir.db().display()));
    }
    std::fs::write(
        dir.db(),
        b"not a database either, but long enough to have a header..........",
    )
    .unwrap();
    let recovery = open(&dir.db(), "default").unwrap().recovery().unwrap().unwrap();
    assert_eq!(recovery.moved_to, format!("{}.corrupt-2", dir.db().display()));
}

#[test]
fn a_truncated_database_is_recovered_and_the_damaged_copy_kept() {
    let dir = Dir::new("truncated");
    let tracker = open(&dir.db(), "default").unwrap();
    for i in 0..50 {
        tracker.track(None, Some(ClockReading::wall(T0 + i))).unwrap();
    }
    tracker.close_storage().unwrap();
    let bytes = std::fs::read(dir.db()).unwrap();
    assert!(bytes.len() > 4096, "the database spans several pages");
    std::fs::write(dir.db(), &bytes[..bytes.len() / 2 + 100]).unwrap();
    let reopened = open(&dir.db(), "default");
    let tracker = reopened.expect("a damaged file never makes open fail");
    let recovery = tracker
        .recovery()
        .unwrap()
        .expect("quick_check notices the missing pages");
    assert_eq!(std::fs::read(&recovery.moved_to).unwrap().len(), bytes.len() / 2 + 100);
    assert!(tracker
        .track(None, Some(ClockReading::wall(T0 + 100)))
        .unwrap()
        .is_some());
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let dir = Dir::new("newer");
    open(&dir.db(), "default")
        .unwrap()
        .track(None, Some(ClockReading::wall(T0)))
        .unwrap();
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    drop(conn);
    let before = std::fs::read(dir.db()).unwrap();
    let error = open(&dir.db(), "default").err().expect("refused");
    assert_eq!(error.kind(), "Storage");
    assert!(error.to_string().contains("newer"), "{error}");
    assert_eq!(std::fs::read(dir.db()).unwrap(), before, "not modified");
    assert!(
        !Path::new(&format!("{}.corrupt-1", dir.db().display())).exists(),
        "not moved aside"
    );
}

#[test]
fn a_missing_directory_is_a_storage_error() {
    let dir = Dir::new("missing");
    assert_eq!(kind(open(&dir.0.join("no/such/dir/sessions.db"), "default")), "Storage");
}

#[test]
fn two_trackers_on_one_file_see_each_others_commits() {
    let dir = Dir::new("two");
    let a = open(&dir.db(), "default").unwrap();
    let b = open(&dir.db(), "default").unwrap();
    let first = a.track(None, Some(ClockReading::wall(T0))).unwrap().unwrap();
    assert_eq!(b.session_id().unwrap(), Some(first.session_id.clone()));
    let second = b.track(None, Some(ClockReading::wall(T0 + 1))).unwrap().unwrap();
    assert_eq!(
        (second.session_id.as_str(), second.event_index),
        (first.session_id.as_str(), 2)
    );
    assert_eq!(
        a.track(None, Some(ClockReading::wall(T0 + 2)))
            .unwrap()
            .unwrap()
            .event_index,
        3
    );
    b.background(None, Some(ClockReading::wall(T0 + 3))).unwrap().unwrap();
    assert!(a.is_in_background().unwrap());
    assert!(
        a.background(None, Some(ClockReading::wall(T0 + 4))).unwrap().is_none(),
        "already in the background"
    );
}

#[test]
fn namespaces_share_the_user_id_and_nothing_else() {
    let dir = Dir::new("namespaces");
    let a = open(&dir.db(), "app").unwrap();
    let b = open(&dir.db(), "APP").unwrap();
    let ea = a.track(None, Some(ClockReading::wall(T0))).unwrap().unwrap();
    let eb = b.track(None, Some(ClockReading::wall(T0))).unwrap().unwrap();
    assert_eq!(ea.user_id, eb.user_id);
    assert_ne!(ea.session_id, eb.session_id);
    assert_eq!(eb.event_index, 1);
}

#[test]
fn bad_input_gets_typed_errors_and_changes_nothing() {
    let dir = Dir::new("bad-input");
    let bad_config = TrackerConfig {
        foreground_timeout_ms: -1,
        ..TrackerConfig::default()
    };
    let error = SessionTracker::open(dir.db().display().to_string(), "default".into(), bad_config)
        .err()
        .unwrap();
    assert!(matches!(&error, SessionCoreError::InvalidConfig { field, .. } if field == "foregroundTimeoutMs"));
    assert!(!dir.db().exists(), "a bad config never creates the file");
    assert_eq!(kind(open(&dir.db(), "")), "InvalidConfig");
    assert_eq!(kind(open(&dir.db(), &"x".repeat(129))), "InvalidConfig");

    let tracker = open(&dir.db(), "default").unwrap();
    tracker.track(None, Some(ClockReading::wall(T0))).unwrap();
    let before = tracker.state().unwrap();
    assert_eq!(
        kind(tracker.track(Some("e1".into()), Some(ClockReading::wall(T0 + 1)))),
        "InvalidArgument"
    );
    assert_eq!(
        kind(tracker.track(None, Some(ClockReading::wall(-1)))),
        "InvalidArgument"
    );
    let bad_boot = |boot_id: &str, uptime_ms: i64| ClockReading {
        wall_ms: T0,
        boot: Some(BootClockReading {
            boot_id: boot_id.into(),
            uptime_ms,
        }),
    };
    for (at, argument) in [
        (bad_boot("", 1), "at.boot.bootId"),
        (bad_boot(&"b".repeat(65), 1), "at.boot.bootId"),
        (bad_boot("b", -1), "at.boot.uptimeMs"),
    ] {
        let error = tracker.track(None, Some(at)).unwrap_err();
        assert!(
            matches!(&error, SessionCoreError::InvalidArgument { argument: a, .. } if a == argument),
            "{error}"
        );
    }
    assert_eq!(
        kind(tracker.start_manual_session(Some(999_999_999), Some(ClockReading::wall(T0)))),
        "InvalidArgument"
    );
    assert_eq!(kind(tracker.set_app_user_id(Some(String::new()))), "InvalidArgument");
    assert_eq!(kind(tracker.set_app_user_id(Some("u".repeat(256)))), "InvalidArgument");
    assert_eq!(tracker.state().unwrap(), before);
    let upper = "6F9619FF-8B86-D011-B42D-00C04FC964FF";
    let event = tracker
        .track(Some(upper.into()), Some(ClockReading::wall(T0 + 2)))
        .unwrap()
        .unwrap();
    assert_eq!(event.event_id, upper.to_lowercase());
}

#[test]
fn a_closed_tracker_says_so() {
    let dir = Dir::new("closed");
    let tracker = open(&dir.db(), "default").unwrap();
    tracker.close_storage().unwrap();
    tracker.close_storage().unwrap();
    assert_eq!(kind(tracker.track(None, Some(ClockReading::wall(T0)))), "Closed");
    assert_eq!(kind(tracker.state()), "Closed");
}
