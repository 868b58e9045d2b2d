//! Opening with recovery (rule 17): a file that is not a database, or is
//! corrupt, is renamed aside, never deleted, and a fresh database replaces it.

use super::connection::{self, Verdict};
use super::schema::{self, SCHEMA_VERSION};
use crate::error::Error;
use rusqlite::{Connection, ErrorCode};
use std::path::{Path, PathBuf};

/// What `open` did to get a usable database, reported to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// Where the damaged file now is (its `-wal`/`-shm` files moved with it).
    pub moved_to: PathBuf,
    /// SQLite's description of the damage.
    pub reason: String,
}

enum Failure {
    Damaged(String),
    Fatal(Error),
}

pub fn open_recovering(path: &Path) -> Result<(Connection, Option<Recovery>), Error> {
    match open_verified(path) {
        Ok(conn) => Ok((conn, None)),
        Err(Failure::Fatal(error)) => Err(error),
        Err(Failure::Damaged(reason)) => {
            let moved_to = move_aside(path)?;
            log::warn!(
                "sessioncore: damaged database moved aside to {} ({reason})",
                moved_to.display()
            );
            match open_verified(path) {
                Ok(conn) => Ok((conn, Some(Recovery { moved_to, reason }))),
                Err(Failure::Fatal(error)) => Err(error),
                Err(Failure::Damaged(again)) => Err(Error::storage(format!(
                    "{}: a fresh database is damaged too ({again})",
                    path.display()
                ))),
            }
        }
    }
}

fn open_verified(path: &Path) -> Result<Connection, Failure> {
    let classify = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Failure::Damaged(e.to_string()),
        _ => Failure::Fatal(Error::storage(format!("{}: {e}", path.display()))),
    };
    let conn = connection::open(path).map_err(classify)?;
    let version = match connection::verify(&conn).map_err(classify)? {
        Verdict::Usable(version) => version,
        Verdict::Damaged(detail) => return Err(Failure::Damaged(detail)),
        Verdict::TooNew(version) => {
            return Err(Failure::Fatal(Error::storage(format!(
                "{}: schema version {version} is newer than the {SCHEMA_VERSION} this sessioncore understands; \
                 the file was left untouched (update the app's sessioncore to read it)",
                path.display()
            ))))
        }
    };
    let mode = connection::configure(&conn).map_err(classify)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Failure::Fatal(Error::storage(format!(
            "{}: could not switch to WAL mode (still `{mode}`); is the file or its directory read-only?",
            path.display()
        ))));
    }
    if version < SCHEMA_VERSION {
        schema::migrate(&conn).map_err(classify)?;
    }
    Ok(conn)
}

/// Renames the database and its WAL/SHM files to the first free
/// `<path>.corrupt-N`, keeping SQLite's suffixes so the copy still opens.
fn move_aside(path: &Path) -> Result<PathBuf, Error> {
    let with_suffix = |base: &Path, suffix: &str| {
        let mut name = base.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let target = (1..)
        .map(|n| with_suffix(path, &format!(".corrupt-{n}")))
        .find(|candidate| !candidate.exists())
        .expect("some suffix is free");
    for suffix in ["", "-wal", "-shm"] {
        let from = with_suffix(path, suffix);
        if from.exists() {
            std::fs::rename(&from, with_suffix(&target, suffix))
                .map_err(|e| Error::storage(format!("{}: damaged, and moving it aside failed: {e}", from.display())))?;
        }
    }
    Ok(target)
}
