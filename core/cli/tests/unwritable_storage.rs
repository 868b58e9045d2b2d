//! Unwritable storage through the tool (rule 17): read-only files and
//! directories, files the OS will not open, a database writable again, and
//! a disk that fills up mid-commit. These run the `sessioncore` binary so
//! that a file-size limit or an unprivileged user can apply to a whole
//! process.

use sessioncore::{ClockReading, SessionCoreError, SessionTracker, TrackerConfig};
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
    assert_storage_error(&cli_as_unprivileged(&["--db", &db_arg, "state"]), &db_arg);
    let fresh = dir.0.join("fresh.db").display().to_string();
    assert_storage_error(&cli_as_unprivileged(&["--db", &fresh, "state"]), &fresh);
}

/// Exit 1 and one line on stderr: a `Storage` error naming `db`.
fn assert_storage_error(output: &std::process::Output, db: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("sessioncore: Storage: storage error: "), "{stderr}");
    assert!(stderr.contains(db), "names the file: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
}

/// The database and its SQLite files, by name, with their bytes (not the lock file).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_none_or(|ext| ext != "lock"))
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A closed database holding one event, in a directory everyone may write
/// to (so that only the file's own permissions are in the way).
fn one_event(dir: &Dir) -> String {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o777)).unwrap();
    let tracker = open(&dir.db(), "default").unwrap();
    tracker.track(None, Some(ClockReading::wall(T0))).unwrap();
    let user_id = tracker.user_id().unwrap();
    tracker.close_storage().unwrap();
    user_id
}

/// Reopened with permission: the same install, no recovery, nothing lost.
fn assert_intact(db: &Path, user_id: &str) {
    let tracker = open(db, "default").unwrap();
    assert_eq!(tracker.user_id().unwrap(), user_id);
    assert_eq!(tracker.recovery().unwrap(), None);
    assert_eq!(tracker.state().unwrap().event_index, Some(1));
}

#[test]
fn an_unreadable_file_is_a_storage_error_and_never_a_recovery() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new("unreadable");
    let user_id = one_event(&dir);
    std::fs::set_permissions(dir.db(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = files(&dir.0);
    let db = dir.db().display().to_string();
    for command in ["state", "track"] {
        assert_storage_error(&cli_as_unprivileged(&["--db", &db, command]), &db);
    }
    assert_eq!(files(&dir.0), before, "untouched: not moved aside, no -wal or -shm");
    assert_intact(&dir.db(), &user_id);
}

/// `chattr +i` makes opening for writing fail with EPERM even for root, as
/// iOS data protection does before the first unlock.
#[test]
fn a_file_the_os_will_not_open_is_a_storage_error_and_never_a_recovery() {
    let dir = Dir::new("eperm");
    let user_id = one_event(&dir);
    let chattr = |flag: &str| {
        Command::new("chattr")
            .arg(flag)
            .arg(dir.db())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !chattr("+i") {
        eprintln!("skipped: chattr +i is not available here (needs root and a file system that supports it)");
        return;
    }
    let before = files(&dir.0);
    let db = dir.db().display().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_sessioncore"))
        .args(["--db", &db, "track"])
        .output()
        .unwrap();
    let after = files(&dir.0);
    assert!(chattr("-i"));
    assert_storage_error(&output, &db);
    assert!(String::from_utf8_lossy(&output.stderr).contains("Operation not permitted"));
    assert_eq!(after, before, "untouched: not moved aside, no -wal or -shm");
    assert_intact(&dir.db(), &user_id);
}

#[test]
fn a_database_writable_again_works_again_without_clean_up() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new("writable-again");
    std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o777)).unwrap();
    let db = dir.db().display().to_string();
    let created = cli_as_unprivileged(&["--db", &db, "track", "--at", "1700000000000"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let mode = |mode: u32| std::fs::set_permissions(dir.db(), std::fs::Permissions::from_mode(mode)).unwrap();
    mode(0o444);
    assert_storage_error(&cli_as_unprivileged(&["--db", &db, "state"]), &db);
    mode(0o644);
    let again = cli_as_unprivileged(&["--db", &db, "track", "--at", "1700000000001"]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(String::from_utf8_lossy(&again.stdout).contains("\"eventIndex\":2"));
}

/// SQLite reads a name starting with `file:` as a URI only when built to;
/// sessioncore's SQLite is not, so this is a file like any other.
#[test]
fn a_path_that_looks_like_a_uri_is_a_file() {
    let dir = Dir::new("uri");
    let output = Command::new(env!("CARGO_BIN_EXE_sessioncore"))
        .args(["--db", "file:sessions.db?mode=memory", "track"])
        .current_dir(&dir.0)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.0.join("file:sessions.db?mode=memory").is_file());
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
    assert!(error.contains(&db), "the error names the file: {error}");

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
        tracker
            .track(None, Some(ClockReading::wall(T0 + 10_000)))
            .unwrap()
            .is_some(),
        "writable again without the limit"
    );
}
