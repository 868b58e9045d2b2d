//! Opening a connection with the pragmas every sessioncore connection uses.

use super::schema;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// Long enough to ride out other processes' commits (each one fsync) under
/// heavy contention, so that `database is locked` never reaches the caller.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Checks the file before changing anything in it: a damaged file must fail
/// here (to be moved aside) and a newer schema must be refused untouched.
pub fn verify(conn: &Connection) -> rusqlite::Result<Verdict> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > schema::SCHEMA_VERSION {
        return Ok(Verdict::TooNew(version));
    }
    let check: String = conn.pragma_query_value(None, "quick_check", |row| row.get(0))?;
    Ok(if check == "ok" {
        Verdict::Usable(version)
    } else {
        Verdict::Damaged(check)
    })
}

pub enum Verdict {
    /// Holds the file's schema version.
    Usable(i64),
    TooNew(i64),
    Damaged(String),
}

/// WAL so that readers never block the writer; FULL so that a commit that
/// returned survives power loss, not just a killed process.
/// Returns the journal mode SQLite actually chose, which the caller checks.
pub fn configure(conn: &Connection) -> rusqlite::Result<String> {
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(mode)
}

pub fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "data_version", |row| row.get(0))
}
