//! Opening with recovery (rule 17). Opens of one file are serialised by an
//! OS lock, so that exactly one opener examines, moves aside, creates or
//! migrates it at a time: a file that is not a database, or is corrupt, is
//! renamed aside (never deleted) and a fresh database replaces it; anything
//! else that is not sessioncore's, or is newer, is refused untouched.

use super::connection::{self, Durability, Verdict};
use super::files::{self, Identity, OpenLock};
use super::schema::{self, SCHEMA_VERSION};
use super::transaction::Database;
use crate::error::Error;
use rusqlite::ErrorCode;
use std::path::{Path, PathBuf};

/// What `open` or a later load did to get a usable state, reported to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// Where the damaged file now is (its SQLite files moved with it);
    /// none when the file was kept and only invalid stored values were reset.
    pub moved_to: Option<PathBuf>,
    pub reason: String,
}

enum Failure {
    Damaged { reason: String, examined: Option<Identity> },
    Fatal(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Fatal(error)
    }
}

/// Errors name no path: `Store` adds it to every one.
pub fn open_recovering(path: &Path, durability: Durability) -> Result<(Database, Option<Recovery>), Error> {
    // Taken before waiting for the lock: if another opener moves this very
    // file aside meanwhile, this opener reports that same recovery.
    let seen = Identity::of(path);
    let _lock = OpenLock::acquire(path)?;
    let mut recovery = None;
    for _attempt in 0..3 {
        match open_verified(path, durability) {
            Ok(conn) => {
                let recovery = recovery.or_else(|| moved_while_waiting(path, seen?));
                return Ok((conn, recovery));
            }
            Err(Failure::Fatal(error)) => return Err(error),
            Err(Failure::Damaged { reason, .. }) if recovery.is_some() => {
                return Err(Error::storage(format!("a fresh database is damaged too ({reason})")))
            }
            Err(Failure::Damaged { reason, examined }) => {
                // The lock keeps out other openers, not other programs: the
                // file is moved only if it is still the one examined.
                if Identity::of(path) != examined {
                    continue;
                }
                let moved_to = move_aside(path)?;
                log::warn!(
                    "sessioncore: damaged database moved aside to {} ({reason})",
                    moved_to.display()
                );
                recovery = Some(Recovery {
                    moved_to: Some(moved_to),
                    reason,
                });
            }
        }
    }
    Err(Error::storage(
        "kept changing while it was being examined; it was left as it is",
    ))
}

fn open_verified(path: &Path, durability: Durability) -> Result<Database, Failure> {
    files::check_writable(path)?;
    let examined = Identity::of(path);
    let classify = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Failure::Damaged {
            reason: e.to_string(),
            examined,
        },
        _ => Failure::Fatal(e.into()),
    };
    let found_wal = files::sibling(path, "-wal").exists();
    let conn = connection::open(path).map_err(classify)?;
    connection::keep_wal_on_close(&conn, found_wal).map_err(classify)?;
    let version = match connection::examine(&conn).map_err(classify)? {
        Verdict::Ours(version) => version,
        Verdict::Damaged(reason) => return Err(Failure::Damaged { reason, examined }),
        Verdict::TooNew(version) => {
            return Err(Failure::Fatal(Error::storage(format!(
                "schema version {version} is newer than the {SCHEMA_VERSION} this sessioncore understands; \
                 the file was left untouched (update the app's sessioncore to read it)"
            ))))
        }
        Verdict::Foreign(version) => {
            return Err(Failure::Fatal(Error::storage(format!(
                "belongs to something else: a SQLite database whose tables are not sessioncore's \
                 (user_version {version}); the file was left untouched"
            ))))
        }
    };
    connection::keep_wal_on_close(&conn, false).map_err(classify)?;
    let mode = connection::configure(&conn, durability).map_err(classify)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Failure::Fatal(Error::storage(format!(
            "could not switch to WAL mode (still `{mode}`); is the file or its directory read-only?"
        ))));
    }
    let db = Database::new(conn).map_err(classify)?;
    if version < SCHEMA_VERSION {
        schema::migrate(&db).map_err(classify)?;
    }
    Ok(db)
}

/// Where another opener moved the file this one saw at `path` before it
/// waited for the lock, if it did: the same move, reported by both.
fn moved_while_waiting(path: &Path, seen: Identity) -> Option<Recovery> {
    if Identity::of(path).is_some_and(|now| now.same_file(&seen)) {
        return None;
    }
    let moved_to = places_aside(path)
        .take_while(|candidate| candidate.exists())
        .find(|candidate| Identity::of(candidate).is_some_and(|moved| moved.same_file(&seen)))?;
    Some(Recovery {
        moved_to: Some(moved_to),
        reason: "another open of this file moved it aside while this one waited for the lock".into(),
    })
}

/// Renames the database and its SQLite files to the first free
/// `<path>.corrupt-N`, keeping SQLite's suffixes so the copy still opens.
/// The database goes last: interrupted, the next open finds it still in
/// place and moves it to the same `N`, next to the files already there (had
/// it gone first, a fresh database would have taken up its leftover `-wal`).
fn move_aside(path: &Path) -> Result<PathBuf, Error> {
    let target = places_aside(path)
        .find(|candidate| !candidate.exists())
        .expect("some suffix is free");
    for suffix in ["-wal", "-journal", "-shm", ""] {
        let from = files::sibling(path, suffix);
        if from.exists() {
            std::fs::rename(&from, files::sibling(&target, suffix))
                .map_err(|e| Error::storage(format!("damaged, and moving {} aside failed: {e}", from.display())))?;
        }
    }
    Ok(target)
}

/// `<path>.corrupt-1`, `<path>.corrupt-2`, ...
fn places_aside(path: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    (1..).map(move |n| files::sibling(path, &format!(".corrupt-{n}")))
}
