//! Opening a connection with the pragmas every sessioncore connection uses,
//! and telling what a file holds before anything in it is changed.

use super::schema::{self, SCHEMA_VERSION};
use rusqlite::config::DbConfig;
use rusqlite::{ffi, Connection, OpenFlags};
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

/// While a file is examined, closing the connection must not checkpoint a
/// `-wal` it found: that would write a file that may not be ours into its
/// database and delete its WAL. (Without a `-wal` to begin with, the close's
/// checkpoint is what removes the empty `-wal`/`-shm` that reading created.)
pub fn keep_wal_on_close(conn: &Connection, keep: bool) -> rusqlite::Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, keep)
        .map(drop)
}

pub enum Verdict {
    /// sessioncore's, intact; holds its schema version.
    Ours(i64),
    TooNew(i64),
    /// Another program's database; holds its `user_version`.
    Foreign(i64),
    Damaged(String),
}

/// Reads without writing. A file is sessioncore's when its tables are
/// exactly those its `user_version` had (none for a new file); a newer
/// version is recognised by the `install` table every version keeps.
pub fn examine(conn: &Connection) -> rusqlite::Result<Verdict> {
    let version: i64 = pragma(conn, "PRAGMA user_version")?;
    let tables = schema::tables(conn)?;
    if version > SCHEMA_VERSION {
        let has_install = tables
            .iter()
            .any(|(kind, name, _)| kind == "table" && name == "install");
        return Ok(if has_install {
            Verdict::TooNew(version)
        } else {
            Verdict::Foreign(version)
        });
    }
    if version < 0 || tables != schema::tables_of_version(version)? {
        return Ok(Verdict::Foreign(version));
    }
    let check: String = pragma(conn, "PRAGMA quick_check")?;
    Ok(if check == "ok" {
        Verdict::Ours(version)
    } else {
        Verdict::Damaged(check)
    })
}

/// What a committed change survives (rule 17): SQLite's `synchronous`,
/// which each connection sets for its own commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Power loss and OS crashes: the WAL is fsynced at every commit.
    #[default]
    Full,
    /// App crashes and kills: the WAL is fsynced only at checkpoints, so on
    /// power loss the last commits may roll back; the file stays consistent.
    Normal,
}

/// WAL so that readers never block the writer, and the durability asked for.
/// Returns the journal mode SQLite actually chose, which the caller checks.
pub fn configure(conn: &Connection, durability: Durability) -> rusqlite::Result<String> {
    let mode: String = pragma(conn, "PRAGMA journal_mode = WAL")?;
    conn.execute_batch(match durability {
        Durability::Full => "PRAGMA synchronous = FULL",
        Durability::Normal => "PRAGMA synchronous = NORMAL",
    })?;
    Ok(mode)
}

/// A pragma's value, through plain SQL: rusqlite's pragma helpers write
/// their SQL with a value formatter that brings float formatting into the
/// shipped library (about 20 KB) for pragmas that never take a float.
pub fn pragma<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> rusqlite::Result<T> {
    conn.query_row(sql, [], |row| row.get(0))
}

/// The pager's data version (`SQLITE_FCNTL_DATA_VERSION`): it moves with
/// every commit of this connection, and with every commit of another one
/// as soon as this connection begins a transaction. Read inside a
/// transaction, or right after this connection's own commit, it says
/// whether the file changed since the last reading, without a statement.
pub fn data_version(conn: &Connection) -> rusqlite::Result<u32> {
    let mut version: u32 = 0;
    // SAFETY: the handle is the open connection's; the op writes one u32.
    let status = unsafe {
        ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            ffi::SQLITE_FCNTL_DATA_VERSION,
            (&mut version as *mut u32).cast(),
        )
    };
    match status {
        ffi::SQLITE_OK => Ok(version),
        code => Err(rusqlite::Error::SqliteFailure(ffi::Error::new(code), None)),
    }
}

/// The data version after a read transaction, which is when SQLite notices
/// other connections' commits: what a getter outside a transaction reads.
pub fn data_version_now(conn: &Connection) -> rusqlite::Result<u32> {
    conn.prepare_cached("PRAGMA data_version")?.query_row([], |_| Ok(()))?;
    data_version(conn)
}
