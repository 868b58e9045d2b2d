//! The files of one database: the path as the caller gave it, the files
//! SQLite and sessioncore keep next to it, and the lock that serialises
//! opens across threads and processes.

use super::recovery::Recovery;
use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
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
    fn same_file(&self, other: &Identity) -> bool {
        (self.device, self.inode) == (other.device, other.inode)
    }
}

/// Checks that the OS lets this process write the database, before SQLite
/// sees it: a file it may not write (permissions, a read-only mount, data
/// protection before the first unlock) fails here, so that SQLite never
/// opens it read-only and never leaves `-wal`/`-shm` files behind for it. A
/// missing file is fine: SQLite creates it.
pub fn check_writable(path: &Path) -> Result<()> {
    match writable(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::storage(format!(
            "cannot be opened for writing ({e}); it was left untouched"
        ))),
        _ => Ok(()),
    }
}

/// SQLite gives `-wal` and `-shm` the permissions of the database. One that
/// a read-only period left unwritable would keep every write failing with
/// `attempt to write a readonly database` once the database is writable
/// again, so it gets the database's permissions back (when we own it).
pub fn restore_sibling_permissions(path: &Path) {
    let Ok(database) = std::fs::metadata(path) else {
        return;
    };
    for suffix in ["-wal", "-shm"] {
        let sibling = sibling(path, suffix);
        let unwritable = writable(&sibling).is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied);
        if unwritable && std::fs::set_permissions(&sibling, database.permissions()).is_ok() {
            log::info!("sessioncore: made {} writable again", sibling.display());
        }
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
/// The file also records the last recovery, for openers that waited on it.
pub struct OpenLock {
    file: File,
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
        Ok(OpenLock { file })
    }

    /// Best effort: an opener that cannot read it back reports no recovery.
    pub fn record(&mut self, moved_to: &Path, reason: &str) {
        let mut record = moved_to.as_os_str().as_bytes().to_vec();
        record.push(0);
        record.extend_from_slice(reason.as_bytes());
        let written = self.file.set_len(0).and_then(|()| {
            self.file.rewind()?;
            self.file.write_all(&record)
        });
        if let Err(e) = written {
            log::warn!("sessioncore: could not record the recovery in the lock file: {e}");
        }
    }

    /// The recovery another opener made of the file this opener saw at `path`
    /// before it waited for the lock, if that file has since been moved aside.
    pub fn recovery_of(&mut self, seen: Option<Identity>, path: &Path) -> Option<Recovery> {
        let seen = seen?;
        if Identity::of(path).is_some_and(|now| now.same_file(&seen)) {
            return None;
        }
        let mut record = Vec::new();
        self.file
            .rewind()
            .and_then(|_| self.file.read_to_end(&mut record))
            .ok()?;
        let split = record.iter().position(|b| *b == 0)?;
        let moved_to = PathBuf::from(std::ffi::OsStr::from_bytes(&record[..split]));
        let moved = Identity::of(&moved_to)?;
        moved.same_file(&seen).then(|| Recovery {
            moved_to: Some(moved_to),
            reason: String::from_utf8_lossy(&record[split + 1..]).into_owned(),
        })
    }
}
