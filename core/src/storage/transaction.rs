//! Write transactions through statements prepared once per connection.
//! Through rusqlite's statement cache, every use of `BEGIN IMMEDIATE` and
//! `COMMIT` trimmed, hashed and copied its SQL (about 2 000 instructions,
//! an eighth of the floor's whole commit); these are held instead, and
//! finalized before the connection closes.

use rusqlite::{ffi, Connection};
use std::ffi::CStr;
use std::ops::Deref;
use std::ptr::NonNull;

/// A connection and its transaction statements; it derefs to the connection.
pub struct Database {
    // Declared first, so finalized before `conn` closes (drop order).
    begin: Fixed,
    commit: Fixed,
    rollback: Fixed,
    conn: Connection,
}

impl Database {
    pub fn new(conn: Connection) -> rusqlite::Result<Database> {
        Ok(Database {
            begin: Fixed::prepare(&conn, c"BEGIN IMMEDIATE")?,
            commit: Fixed::prepare(&conn, c"COMMIT")?,
            rollback: Fixed::prepare(&conn, c"ROLLBACK")?,
            conn,
        })
    }
}

impl Deref for Database {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.conn
    }
}

/// `BEGIN IMMEDIATE` (the write lock, waited for within the busy timeout);
/// rolled back when dropped without a successful `commit`.
pub struct WriteTransaction<'d> {
    db: &'d Database,
    open: bool,
}

impl<'d> WriteTransaction<'d> {
    pub fn begin(db: &'d Database) -> rusqlite::Result<Self> {
        db.begin.run(db)?;
        Ok(WriteTransaction { db, open: true })
    }

    /// Returns the database, for what follows the commit.
    pub fn commit(mut self) -> rusqlite::Result<&'d Database> {
        self.db.commit.run(self.db)?;
        self.open = false;
        Ok(self.db)
    }
}

impl Deref for WriteTransaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.db
    }
}

impl Drop for WriteTransaction<'_> {
    fn drop(&mut self) {
        // A failed change or commit: nothing of it may stay. Errors here
        // cannot be reported, and SQLite rolls back on close regardless.
        if self.open && !self.db.is_autocommit() {
            let _ = self.db.rollback.run(self.db);
        }
    }
}

/// A statement with no parameters and no rows, prepared once.
struct Fixed(NonNull<ffi::sqlite3_stmt>);

// The statement is used only through its connection, which the tracker's
// lock serialises.
unsafe impl Send for Fixed {}

impl Fixed {
    fn prepare(conn: &Connection, sql: &CStr) -> rusqlite::Result<Fixed> {
        let mut statement = std::ptr::null_mut();
        // SAFETY: the handle is the open connection's and `sql` is NUL-terminated.
        let status = unsafe {
            ffi::sqlite3_prepare_v3(
                conn.handle(),
                sql.as_ptr(),
                -1,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut statement,
                std::ptr::null_mut(),
            )
        };
        match NonNull::new(statement) {
            Some(statement) if status == ffi::SQLITE_OK => Ok(Fixed(statement)),
            _ => Err(failure(conn, status)),
        }
    }

    fn run(&self, conn: &Connection) -> rusqlite::Result<()> {
        // SAFETY: the statement is this connection's and not finalized.
        let status = unsafe { ffi::sqlite3_step(self.0.as_ptr()) };
        let result = match status {
            ffi::SQLITE_DONE => Ok(()),
            status => Err(failure(conn, status)),
        };
        // SAFETY: as above; its result repeats the step's, read already.
        unsafe { ffi::sqlite3_reset(self.0.as_ptr()) };
        result
    }
}

impl Drop for Fixed {
    fn drop(&mut self) {
        // SAFETY: finalized once, before the connection closes.
        unsafe { ffi::sqlite3_finalize(self.0.as_ptr()) };
    }
}

/// The connection's error for `status`, as rusqlite reports its own.
fn failure(conn: &Connection, status: i32) -> rusqlite::Error {
    // SAFETY: the handle is open; sqlite3_errmsg returns a NUL-terminated
    // string that lives until the next call on the connection.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(conn.handle())) };
    rusqlite::Error::SqliteFailure(ffi::Error::new(status), Some(message.to_string_lossy().into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter() -> Database {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (0);")
            .unwrap();
        Database::new(conn).unwrap()
    }

    fn value(conn: &Connection) -> i64 {
        conn.query_row("SELECT v FROM t", [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn commits_and_rolls_back_and_can_be_reused() {
        let db = counter();
        for expected in 1..=3 {
            let tx = WriteTransaction::begin(&db).unwrap();
            tx.execute("UPDATE t SET v = v + 1", []).unwrap();
            tx.commit().unwrap();
            assert_eq!(value(&db), expected);
        }
        {
            let tx = WriteTransaction::begin(&db).unwrap();
            tx.execute("UPDATE t SET v = 100", []).unwrap();
        }
        assert_eq!(value(&db), 3);
        assert!(db.is_autocommit());
    }

    #[test]
    fn a_failed_step_is_the_connections_error() {
        let db = counter();
        let _open = WriteTransaction::begin(&db).unwrap();
        match WriteTransaction::begin(&db).map(|_| ()) {
            Err(rusqlite::Error::SqliteFailure(error, Some(message))) => {
                assert_eq!(error.code, rusqlite::ErrorCode::Unknown);
                assert_eq!(message, "cannot start a transaction within a transaction");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}
