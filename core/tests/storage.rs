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
    let moved_to = recovery.moved_to.expect("moved aside");
    assert_eq!(moved_to, format!("{}.corrupt-1", dir.db().display()));
    assert_eq!(
        std::fs::read(&moved_to).unwrap(),
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
    assert_eq!(recovery.moved_to, Some(format!("{}.corrupt-2", dir.db().display())));
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
    let moved_to = recovery.moved_to.expect("moved aside");
    assert_eq!(std::fs::read(moved_to).unwrap().len(), bytes.len() / 2 + 100);
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

/// Every file in the directory but sessioncore's own lock file: its name,
/// length and a hash of its bytes (not for `-shm`: SQLite's shared index,
/// which every reader writes its read marks to, only exists or not).
fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, (usize, u64)> {
    use std::hash::{Hash, Hasher};
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_none_or(|ext| ext != "lock"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with("-shm") {
                return (name, (0, 0));
            }
            let bytes = std::fs::read(&path).unwrap();
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut hasher);
            (name, (bytes.len(), hasher.finish()))
        })
        .collect()
}

/// A refusal: `Storage`, one line, naming the file, containing `phrase`.
fn assert_refused(db: &Path, phrase: &str) {
    let message = open(db, "default").err().expect("refused").to_string();
    assert!(message.starts_with("storage error: "), "{message}");
    assert!(message.contains(&db.display().to_string()), "names the file: {message}");
    assert!(message.contains(phrase), "{message}");
    assert!(!message.contains('\n'), "one line: {message}");
}

#[test]
fn foreign_databases_are_refused_and_left_byte_for_byte_untouched() {
    let foreign: [(&str, &str); 6] = [
        (
            "other tables",
            "CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO events VALUES (1, 'x');",
        ),
        ("a user_version and no tables", "PRAGMA user_version = 1;"),
        (
            "a user_version and other tables",
            "CREATE TABLE notes (body TEXT); PRAGMA user_version = 1;",
        ),
        (
            "a clashing table name",
            "CREATE TABLE install (id INTEGER PRIMARY KEY, vendor TEXT); PRAGMA user_version = 1;",
        ),
        (
            "a higher user_version without sessioncore's tables",
            "CREATE TABLE room_master_table (id INTEGER PRIMARY KEY); PRAGMA user_version = 42;",
        ),
        (
            "a negative user_version",
            "CREATE TABLE t (x); PRAGMA user_version = -3;",
        ),
    ];
    for (what, sql) in foreign {
        for wal in [false, true] {
            let dir = Dir::new("foreign-db");
            let conn = rusqlite::Connection::open(dir.db()).unwrap();
            if wal {
                // Committed frames stay in the -wal: opening must not checkpoint them.
                conn.pragma_update(None, "journal_mode", "wal").unwrap();
                conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
                    .unwrap();
            }
            conn.execute_batch(sql).unwrap();
            drop(conn);
            let before = snapshot(&dir.0);
            assert_eq!(before.len(), if wal { 3 } else { 1 }, "{what}: {:?}", before.keys());
            assert_refused(&dir.db(), "belongs to something else");
            assert_eq!(snapshot(&dir.0), before, "{what} (wal: {wal}) was modified");
        }
    }
}

#[test]
fn sessioncore_tables_with_an_extra_table_are_refused_untouched() {
    let dir = Dir::new("extra-table");
    open(&dir.db(), "default")
        .unwrap()
        .track(None, Some(ClockReading::wall(T0)))
        .unwrap();
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.execute_batch("CREATE TABLE extra (x)").unwrap();
    drop(conn);
    let before = snapshot(&dir.0);
    assert_refused(&dir.db(), "belongs to something else");
    assert_eq!(snapshot(&dir.0), before);
}

#[test]
fn a_newer_schema_is_left_byte_for_byte_untouched_wal_included() {
    for keep_wal in [true, false] {
        let dir = Dir::new("newer-wal");
        open(&dir.db(), "default")
            .unwrap()
            .track(None, Some(ClockReading::wall(T0)))
            .unwrap();
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        // Kept, the -wal holds the newer schema: opening must not checkpoint it.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, keep_wal)
            .unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE added_later (x); PRAGMA user_version = {};",
            SCHEMA_VERSION + 1
        ))
        .unwrap();
        drop(conn);
        let before = snapshot(&dir.0);
        assert_eq!(before.contains_key("sessions.db-wal"), keep_wal, "{:?}", before.keys());
        assert_refused(&dir.db(), "newer");
        assert_eq!(
            snapshot(&dir.0),
            before,
            "not modified, none left behind (-wal kept: {keep_wal})"
        );
    }
}

#[test]
fn empty_in_memory_and_nul_paths_are_invalid_arguments_naming_path() {
    for path in ["", ":memory:", "sessions\0.db"] {
        match SessionTracker::open(path.into(), "default".into(), TrackerConfig::default()) {
            Err(SessionCoreError::InvalidArgument { argument, .. }) => assert_eq!(argument, "path", "{path:?}"),
            other => panic!("{path:?}: expected InvalidArgument, got {:?}", other.map(|_| ())),
        }
    }
    assert!(!Path::new(":memory:").exists());
}

/// A database whose namespace "default" holds a session of two events.
fn two_events(dir: &Dir) -> String {
    let tracker = open(&dir.db(), "default").unwrap();
    tracker.track(None, Some(ClockReading::wall(T0))).unwrap();
    tracker.track(None, Some(ClockReading::wall(T0 + 1))).unwrap();
    tracker.user_id().unwrap()
}

fn tamper(db: &Path, sql: &str) {
    rusqlite::Connection::open(db).unwrap().execute_batch(sql).unwrap();
}

/// After a repair: the userId is kept, the namespace starts over.
fn assert_reset(tracker: &SessionTracker, user_id: &str, column: &str) {
    let state = tracker.state().unwrap();
    assert_eq!(
        (state.user_id.as_str(), state.session_id, state.is_in_background),
        (user_id, None, false)
    );
    let recovery = tracker.recovery().unwrap().expect("the repair is reported");
    assert_eq!(recovery.moved_to, None, "the file is kept");
    assert!(
        recovery.reason.contains("namespace `default`") && recovery.reason.contains(column),
        "{column}: {}",
        recovery.reason
    );
    assert!(!recovery.reason.contains('\n'));
    let event = tracker.track(None, Some(ClockReading::wall(T0 + 10))).unwrap().unwrap();
    assert_eq!(
        (
            event.session_index,
            event.event_index,
            event.previous_session_id,
            event.user_id.as_str()
        ),
        (1, 1, None, user_id),
        "{column}"
    );
    assert!(event
        .snowplow_context_json
        .contains("\"firstEventTimestamp\":\"2023-11-14T22:13:20.010Z\""));
}

const BAD_VALUES: [(&str, &str); 31] = [
    ("session_index", "0"),
    ("session_index", "-1"),
    ("session_index", "2147483648"),
    ("session_index", "'seven'"),
    ("session_index", "1.5"),
    ("session_index", "NULL"),
    ("event_index", "-1"),
    ("event_index", "2147483648"),
    ("event_index", "4294967295"),
    ("foreground_index", "2147483648"),
    ("background_index", "-3"),
    ("session_start_ms", "-1"),
    ("last_activity_ms", "253402300800000"),
    ("first_event_ms", "253402300800000"),
    ("session_start_ms", "9223372036854775807"),
    ("first_event_id", "NULL"),
    ("start_reason", "'timeout'"),
    ("pending_reason", "'bogus'"),
    ("session_id", "'not-a-uuid'"),
    ("previous_session_id", "'6F9619FF-8B86-D011-B42D-00C04FC964FF'"),
    ("in_background", "2"),
    ("manual", "'yes'"),
    ("custom_session_id", "5"),
    ("app_user_id", "''"),
    ("app_user_id", "CAST('a' AS BLOB)"),
    ("last_activity_boot_id", "'6f9619ff-8b86-d011-b42d-00c04fc964ff'"),
    ("session_start_uptime_ms", "-5"),
    ("session_anonymous", "2"),
    ("end_reason", "'bogus'"),
    ("end_reported", "'x'"),
    ("new_user", "3"),
];

#[test]
fn invalid_stored_values_are_never_emitted_and_reset_the_namespace_at_open() {
    for (column, value) in BAD_VALUES {
        let dir = Dir::new("bad-value-open");
        let user_id = two_events(&dir);
        tamper(&dir.db(), &format!("UPDATE namespace_state SET {column} = {value}"));
        let tracker = open(&dir.db(), "default").unwrap_or_else(|e| panic!("{column} = {value}: {e}"));
        assert_reset(&tracker, &user_id, column);
    }
}

#[test]
fn invalid_stored_values_written_while_open_reset_the_namespace_at_the_next_call() {
    for (column, value) in BAD_VALUES {
        let dir = Dir::new("bad-value-live");
        let user_id = two_events(&dir);
        let tracker = open(&dir.db(), "default").unwrap();
        tamper(&dir.db(), &format!("UPDATE namespace_state SET {column} = {value}"));
        assert_reset(&tracker, &user_id, column);
    }
}

#[test]
fn a_stored_time_out_of_range_never_commits_an_event_that_then_fails() {
    let dir = Dir::new("time-after-commit");
    two_events(&dir);
    let tracker = open(&dir.db(), "default").unwrap();
    // Beyond what the output's timestamp formatting can represent at all.
    tamper(
        &dir.db(),
        "UPDATE namespace_state SET first_event_ms = 9223372036854775807",
    );
    let event = tracker
        .track(None, Some(ClockReading::wall(T0 + 10)))
        .expect("no failure after the commit")
        .unwrap();
    assert_eq!((event.session_index, event.event_index), (1, 1));
    let reopened = open(&dir.db(), "default").unwrap();
    assert_eq!(reopened.state().unwrap().session_id, Some(event.session_id));
    assert_eq!(reopened.state().unwrap().event_index, Some(1));
}

#[test]
fn an_install_user_id_that_is_not_a_uuid_is_replaced_and_reported() {
    for value in ["'bogus'", "42", "'6F9619FF-8B86-D011-B42D-00C04FC964FF'"] {
        let dir = Dir::new("bad-user-id");
        let old = two_events(&dir);
        tamper(&dir.db(), &format!("UPDATE install SET user_id = {value}"));
        let tracker = open(&dir.db(), "default").unwrap();
        let recovery = tracker.recovery().unwrap().expect("reported");
        assert_eq!(recovery.moved_to, None);
        assert!(recovery.reason.contains("user_id"), "{}", recovery.reason);
        let user_id = tracker.user_id().unwrap();
        assert_ne!(user_id, old);
        assert_eq!(user_id.len(), 36);
        let event = tracker.track(None, Some(ClockReading::wall(T0 + 10))).unwrap().unwrap();
        assert_eq!(
            (event.user_id, event.event_index),
            (user_id, 3),
            "the namespace keeps its session"
        );
    }
}

/// Whether this process still holds the read lock SQLite's connections keep
/// on byte 128 of the `-shm` (it tells other processes the file is in use).
/// An OFD lock probe sees the process's own POSIX locks; it must be the last
/// look, since closing its descriptor drops them.
fn shm_marked_in_use(db: &Path) -> bool {
    use std::os::fd::AsRawFd;
    let shm = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(format!("{}-shm", db.display()))
        .unwrap();
    // SAFETY: a plain C struct, zero is a valid value for every field.
    let mut probe: libc::flock = unsafe { std::mem::zeroed() };
    probe.l_type = libc::F_WRLCK as libc::c_short;
    probe.l_whence = libc::SEEK_SET as libc::c_short;
    probe.l_start = 128;
    probe.l_len = 1;
    // SAFETY: a valid descriptor and a valid `flock` for F_OFD_GETLK to fill in.
    assert_eq!(
        unsafe { libc::fcntl(shm.as_raw_fd(), libc::F_OFD_GETLK, &mut probe) },
        0
    );
    probe.l_type != libc::F_UNLCK as libc::c_short
}

#[test]
fn opening_a_second_tracker_keeps_the_locks_sqlite_holds_for_the_first() {
    let dir = Dir::new("posix-locks");
    let first = open(&dir.db(), "default").unwrap();
    first.track(None, Some(ClockReading::wall(T0))).unwrap();
    let second = open(&dir.db(), "other").unwrap();
    second.track(None, Some(ClockReading::wall(T0))).unwrap();
    assert!(
        shm_marked_in_use(&dir.db()),
        "opening the second tracker released the POSIX locks of the first"
    );
}
