//! The files of one database: the path as the caller gave it, the files
//! SQLite and sessioncore keep next to it, and the lock that serialises
//! opens across threads and processes.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Rule 17: a path names a file; nothing that SQLite would read as something
/// else (URIs are compiled out, see `.cargo/config.toml`).
pub fn validate_path(path: &Path) -> Result<()> {
    let bytes = path.as_os_str().as_bytes();
    let problem = match bytes {
        [] => "must not be empty",
        b":memory:" => "`:memory:` is an in-memory database; sessioncore keeps its state in a file",
        _ if bytes.contains(&0) => "contains a NUL byte",
        _ => return Ok(()),
    };
    Err(Error::invalid_argument("path", problem))
}

/// `path` with `suffix` appended to its file name, as SQLite names its files.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Which file a path names, and whether it changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    device: u64,
    inode: u64,
    len: u64,
    modified_ns: i64,
}

impl Identity {
    pub fn of(path: &Path) -> Option<Identity> {
        std::fs::metadata(path).ok().map(|m| Identity {
            device: m.dev(),
            inode: m.ino(),
            len: m.size(),
            modified_ns: m.mtime().saturating_mul(1_000_000_000).saturating_add(m.mtime_nsec()),
        })
    }

    /// The same file, wherever it was renamed to.
    pub fn same_file(&self, other: &Identity) -> bool {
        (self.device, self.inode) == (other.device, other.inode)
    }
}

/// Checks that the OS lets this process write the database, before SQLite
/// sees it: a file it may not write (permissions, a read-only mount, data
/// protection before the first unlock) fails here, so that SQLite never
/// opens it read-only and never leaves `-wal`/`-shm` files behind for it
/// (read-only ones, which would keep writes failing once the database is
/// writable again). A missing file is fine: SQLite creates it.
pub fn check_writable(path: &Path) -> Result<()> {
    match writable(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::storage(format!(
            "cannot be written ({e}); it was left untouched"
        ))),
        _ => Ok(()),
    }
}

/// Asks the OS without opening the file: closing a descriptor releases every
/// POSIX lock the process holds on that file, the locks of SQLite's other
/// connections to it included.
fn writable(path: &Path) -> std::io::Result<()> {
    let path = std::ffi::CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: `path` is a NUL-terminated string that access(2) only reads.
    if unsafe { libc::access(path.as_ptr(), libc::W_OK) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// An exclusive OS lock on `<path>.lock`, held for the whole of an open.
/// `flock` locks belong to an open file description, so threads of one
/// process exclude each other as processes do, and the OS drops the lock of
/// a killed process. It is held for milliseconds, never while the app could
/// be suspended (iOS kills apps suspended holding locks in shared containers).
pub struct OpenLock {
    /// Closing it, when the lock is dropped, releases the lock.
    _file: File,
}

impl OpenLock {
    pub fn acquire(path: &Path) -> Result<OpenLock> {
        let lock_path = sibling(path, ".lock");
        let failed = |e: std::io::Error| Error::storage(format!("cannot lock {} ({e})", lock_path.display()));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(failed)?;
        file.lock().map_err(failed)?;
        Ok(OpenLock { _file: file })
    }
}
