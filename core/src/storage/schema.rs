//! The schema, versioned by `PRAGMA user_version`. Migrations only go
//! forward; each entry upgrades from the version equal to its position.

use super::connection;
use super::transaction::{Database, WriteTransaction};
use rusqlite::Connection;

/// One `sqlite_master` row: type, name and the SQL that created it.
pub type Table = (String, String, Option<String>);

const MIGRATIONS: [&str; 2] = [
    // 0 -> 1: the first schema.
    "CREATE TABLE install (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        user_id TEXT NOT NULL
    );
    CREATE TABLE namespace_state (
        namespace TEXT PRIMARY KEY NOT NULL,
        session_id TEXT,
        previous_session_id TEXT,
        session_index INTEGER,
        event_index INTEGER,
        first_event_id TEXT,
        first_event_ms INTEGER,
        session_start_ms INTEGER,
        last_activity_ms INTEGER,
        foreground_index INTEGER,
        background_index INTEGER,
        start_reason TEXT,
        custom_session_id INTEGER,
        session_ended INTEGER NOT NULL,
        in_background INTEGER NOT NULL,
        pending_reason TEXT,
        manual INTEGER NOT NULL,
        app_user_id TEXT
    ) WITHOUT ROWID;",
    // 1 -> 2: the boot clock of the session's start and last activity
    // (rule 3), the anonymity mode the session was recorded in (rule 9;
    // sessions from version 1 were recorded with it off), why and whether
    // the session's end was reported (rule 19), a reset's new user (rule 20).
    "ALTER TABLE namespace_state ADD COLUMN session_start_boot_id TEXT;
    ALTER TABLE namespace_state ADD COLUMN session_start_uptime_ms INTEGER;
    ALTER TABLE namespace_state ADD COLUMN last_activity_boot_id TEXT;
    ALTER TABLE namespace_state ADD COLUMN last_activity_uptime_ms INTEGER;
    ALTER TABLE namespace_state ADD COLUMN session_anonymous INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE namespace_state ADD COLUMN end_reason TEXT;
    ALTER TABLE namespace_state ADD COLUMN end_reported INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE namespace_state ADD COLUMN new_user INTEGER NOT NULL DEFAULT 0;",
];

/// The database schema version this build writes (`PRAGMA user_version`);
/// an older file is migrated, a newer one refused untouched (rule 17).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the file up to [`SCHEMA_VERSION`] in one transaction, re-reading
/// the version under the write lock in case another process migrated first.
pub fn migrate(db: &Database) -> rusqlite::Result<()> {
    let tx = WriteTransaction::begin(db)?;
    let from: i64 = connection::pragma(&tx, "PRAGMA user_version")?;
    for migration in MIGRATIONS.iter().skip(from.max(0) as usize) {
        tx.execute_batch(migration)?;
    }
    if from < SCHEMA_VERSION {
        tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))?;
        log::info!("sessioncore: migrated database schema from version {from} to {SCHEMA_VERSION}");
    }
    tx.commit().map(drop)
}

/// Every table and index of the file, in a stable order.
pub fn tables(conn: &Connection) -> rusqlite::Result<Vec<Table>> {
    let mut statement = conn.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    rows.collect()
}

/// What a file at `version` holds, built by the migrations themselves in
/// memory, so that it can never disagree with them.
pub fn tables_of_version(version: i64) -> rusqlite::Result<Vec<Table>> {
    let conn = Connection::open_in_memory()?;
    for migration in MIGRATIONS.iter().take(version as usize) {
        conn.execute_batch(migration)?;
    }
    tables(&conn)
}
