//! Whether anything was committed to the file since a moment, without a
//! lock or a system call: the WAL-index header, which every commit rewrites
//! (its `iChange` counter at least, docs: sqlite.org/walformat.html), read
//! from the shared memory SQLite has already mapped for this connection,
//! reached through the VFS's own `xShmMap`. The same header means nothing
//! was committed; a different one only means "ask `PRAGMA data_version`",
//! which costs a read transaction (shared-memory locks, system calls).

use rusqlite::{ffi, Connection};
use std::ptr::NonNull;
use std::sync::atomic::{fence, Ordering};

/// The WAL-index header: 48 bytes, the first of its two copies.
type Header = [u32; 12];

/// SQLite's wal-index region size, which `xShmMap` must be asked for.
const REGION_BYTES: i32 = 32 * 1024;

#[derive(Default)]
pub struct ChangeProbe {
    /// The connection's mapping of the wal-index's first region: valid
    /// while the connection is open in WAL mode, which is the connection's
    /// whole life once opened. None where the VFS offers no shared memory.
    region: Option<NonNull<u32>>,
    /// The header when the connection last knew the committed state.
    seen: Option<Header>,
}

// The region is only read, through the connection that owns it, under the
// tracker's lock.
unsafe impl Send for ChangeProbe {}

impl ChangeProbe {
    /// After `conn`'s first transaction, which maps the region.
    pub fn new(conn: &Connection) -> ChangeProbe {
        ChangeProbe {
            region: map_first_region(conn),
            seen: None,
        }
    }

    /// The header now; none without a mapping.
    pub fn header(&self) -> Option<Header> {
        let region = self.region?;
        let mut header = [0u32; 12];
        for (i, word) in header.iter_mut().enumerate() {
            // SAFETY: the region is at least REGION_BYTES long and stays
            // mapped while the connection is open; other processes write
            // it, hence volatile reads. A torn read differs from what was
            // seen, which only sends the caller to `PRAGMA data_version`.
            *word = unsafe { region.as_ptr().add(i).read_volatile() };
        }
        fence(Ordering::Acquire);
        Some(header)
    }

    /// True only when the header is the one remembered: nothing committed since.
    pub fn unchanged(&self) -> bool {
        self.seen.is_some() && self.header() == self.seen
    }

    /// `header` was read before the connection found its state current.
    pub fn remember(&mut self, header: Option<Header>) {
        self.seen = header;
    }

    /// The connection is about to change what it knows (its own commit).
    pub fn forget(&mut self) {
        self.seen = None;
    }
}

fn map_first_region(conn: &Connection) -> Option<NonNull<u32>> {
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    // SAFETY: the handle is the open connection's; FILE_POINTER writes the
    // main database's sqlite3_file, which lives as long as the connection.
    unsafe {
        let status = ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            ffi::SQLITE_FCNTL_FILE_POINTER,
            (&mut file as *mut *mut ffi::sqlite3_file).cast(),
        );
        if status != ffi::SQLITE_OK || file.is_null() || (*file).pMethods.is_null() {
            return None;
        }
        let methods = &*(*file).pMethods;
        let map = methods.xShmMap.filter(|_| methods.iVersion >= 2)?;
        let mut region: *mut std::ffi::c_void = std::ptr::null_mut();
        // bExtend 0: only what this connection already mapped.
        let status = map(file, 0, REGION_BYTES, 0, &mut region);
        (status == ffi::SQLITE_OK).then_some(())?;
        NonNull::new(region.cast::<u32>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_the_header_change_with_each_commit_of_another_connection() {
        let dir = crate::scratch::scratch_dir("probe");
        let path = dir.join("probe.db");
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (0);")
            .unwrap();
        let reader = Connection::open(&path).unwrap();
        reader.query_row("SELECT v FROM t", [], |_| Ok(())).unwrap();
        let mut probe = ChangeProbe::new(&reader);
        assert!(probe.region.is_some(), "the unix VFS maps the wal-index");
        probe.remember(probe.header());
        assert!(probe.unchanged());
        for _ in 0..3 {
            writer.execute("UPDATE t SET v = v + 1", []).unwrap();
            assert!(!probe.unchanged());
            probe.remember(probe.header());
            assert!(probe.unchanged());
        }
        probe.forget();
        assert!(!probe.unchanged());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
