//! Persistence and bad input (rules 1, 11, 16, 17): what `open` does with
//! damaged, foreign, newer or unwritable files, and consistency between
//! tracker objects on one file.

use sessioncore::{SessionCoreError, SessionTracker, TrackerConfig, SCHEMA_VERSION};
use std::path::{Path, PathBuf};
use std::process::Command;
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
    let event = first.track(T0, None).unwrap().unwrap();
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
    assert!(tracker.track(T0, None).unwrap().unwrap().is_new_session);
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
        tracker.track(T0 + i, None).unwrap();
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
    assert!(tracker.track(T0 + 100, None).unwrap().is_some());
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let dir = Dir::new("newer");
    open(&dir.db(), "default").unwrap().track(T0, None).unwrap();
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

/// Root ignores file permissions, so the unwritable cases run the CLI as
/// `nobody` when the tests run as root.
fn cli_as_unprivileged(args: &[&str]) -> std::process::Output {
    let binary = env!("CARGO_BIN_EXE_sessioncore");
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let mut command = if is_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        c
    } else {
        Command::new(binary)
    };
    command.args(args).output().expect("the CLI runs")
}

#[test]
fn read_only_files_and_directories_are_storage_errors_from_open() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new("readonly");
    std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = dir.db();
    open(&db, "default").unwrap().close_storage().unwrap();
    for file in std::fs::read_dir(&dir.0).unwrap() {
        std::fs::set_permissions(file.unwrap().path(), std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    let db_arg = db.display().to_string();
    let output = cli_as_unprivileged(&["--db", &db_arg, "state"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Storage"), "{stderr}");

    let fresh = dir.0.join("fresh.db").display().to_string();
    let output = cli_as_unprivileged(&["--db", &fresh, "state"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Storage"), "{stderr}");
}

#[test]
fn two_trackers_on_one_file_see_each_others_commits() {
    let dir = Dir::new("two");
    let a = open(&dir.db(), "default").unwrap();
    let b = open(&dir.db(), "default").unwrap();
    let first = a.track(T0, None).unwrap().unwrap();
    assert_eq!(b.session_id().unwrap(), Some(first.session_id.clone()));
    let second = b.track(T0 + 1, None).unwrap().unwrap();
    assert_eq!(
        (second.session_id.as_str(), second.event_index),
        (first.session_id.as_str(), 2)
    );
    assert_eq!(a.track(T0 + 2, None).unwrap().unwrap().event_index, 3);
    b.background(T0 + 3, None).unwrap().unwrap();
    assert!(a.is_in_background().unwrap());
    assert!(
        a.background(T0 + 4, None).unwrap().is_none(),
        "already in the background"
    );
}

#[test]
fn namespaces_share_the_user_id_and_nothing_else() {
    let dir = Dir::new("namespaces");
    let a = open(&dir.db(), "app").unwrap();
    let b = open(&dir.db(), "APP").unwrap();
    let ea = a.track(T0, None).unwrap().unwrap();
    let eb = b.track(T0, None).unwrap().unwrap();
    assert_eq!(ea.user_id, eb.user_id);
    assert_ne!(ea.session_id, eb.session_id);
    assert_eq!(eb.event_index, 1);
}

#[test]
fn bad_input_gets_typed_errors_and_changes_nothing() {
    let dir = Dir::new("bad-input");
    let bad_config = TrackerConfig {
        foreground_timeout_ms: 0,
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
    tracker.track(T0, None).unwrap();
    let before = tracker.state().unwrap();
    assert_eq!(kind(tracker.track(T0 + 1, Some("e1".into()))), "InvalidArgument");
    assert_eq!(kind(tracker.track(-1, None)), "InvalidArgument");
    assert_eq!(
        kind(tracker.start_manual_session(T0, Some(999_999_999))),
        "InvalidArgument"
    );
    assert_eq!(kind(tracker.set_app_user_id(Some(String::new()))), "InvalidArgument");
    assert_eq!(kind(tracker.set_app_user_id(Some("u".repeat(256)))), "InvalidArgument");
    assert_eq!(tracker.state().unwrap(), before);
    let upper = "6F9619FF-8B86-D011-B42D-00C04FC964FF";
    let event = tracker.track(T0 + 2, Some(upper.into())).unwrap().unwrap();
    assert_eq!(event.event_id, upper.to_lowercase());
}

#[test]
fn a_closed_tracker_says_so() {
    let dir = Dir::new("closed");
    let tracker = open(&dir.db(), "default").unwrap();
    tracker.close_storage().unwrap();
    tracker.close_storage().unwrap();
    assert_eq!(kind(tracker.track(T0, None)), "Closed");
    assert_eq!(kind(tracker.state()), "Closed");
}

#[test]
fn disk_full_mid_commit_is_a_storage_error_and_keeps_what_was_committed() {
    let dir = Dir::new("disk-full");
    let db = dir.db().display().to_string();
    open(&dir.db(), "default").unwrap().close_storage().unwrap();
    // Each namespace adds a row, so the file grows until a file-size limit
    // (64 KiB) makes a commit fail as a full disk would; SIGXFSZ is ignored
    // so that the write fails instead of killing the process.
    let script = format!(
        "ulimit -f 64; trap '' XFSZ; n=0; while [ $n -lt 2000 ]; do \
         \"{bin}\" --db \"{db}\" --namespace \"$(printf 'namespace-%0100d' $n)\" track --at 1700000000000 \
         >/dev/null 2>\"{db}.err\" || break; n=$((n + 1)); done; echo $n",
        bin = env!("CARGO_BIN_EXE_sessioncore"),
    );
    let output = Command::new("bash").arg("-c").arg(&script).output().unwrap();
    let committed: i64 = String::from_utf8_lossy(&output.stdout).trim().parse().unwrap();
    let error = std::fs::read_to_string(format!("{db}.err")).unwrap();
    assert!(
        committed > 10 && committed < 2000,
        "the limit stopped the run after {committed} events"
    );
    assert!(error.contains("Storage"), "the failing call reported: {error}");

    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let check: String = conn.pragma_query_value(None, "integrity_check", |r| r.get(0)).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM namespace_state", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        (check.as_str(), rows),
        ("ok", committed),
        "exactly the committed events survive"
    );
    drop(conn);
    let last = format!("namespace-{:0100}", committed - 1);
    let tracker = open(&dir.db(), &last).unwrap();
    assert_eq!(tracker.state().unwrap().event_index, Some(1));
    assert!(
        tracker.track(T0 + 10_000, None).unwrap().is_some(),
        "writable again without the limit"
    );
}
