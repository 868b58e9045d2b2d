//! Unwritable storage through the tool (rule 17): read-only files and
//! directories, and a disk that fills up mid-commit. These run the
//! `sessioncore` binary so that a file-size limit or an unprivileged user can
//! apply to a whole process.

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
        tracker
            .track(None, Some(ClockReading::wall(T0 + 10_000)))
            .unwrap()
            .is_some(),
        "writable again without the limit"
    );
}
