//! SQLite persistence of [`NamespaceState`] (rules 4, 6, 11, 17): one
//! connection per tracker, one IMMEDIATE transaction per state change, and
//! a reload whenever another connection committed in between.

mod connection;
mod files;
mod recovery;
mod rows;
mod schema;

pub use recovery::Recovery;
pub use schema::SCHEMA_VERSION;

use crate::engine::NamespaceState;
use crate::error::{Error, Result};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};

pub struct Store {
    conn: Connection,
    path: PathBuf,
    namespace: String,
    user_id: String,
    /// `PRAGMA data_version` when this connection last read the state: it
    /// changes exactly when another connection has committed since.
    seen_data_version: i64,
    recovery: Option<Recovery>,
}

impl Store {
    /// Opens (creating, migrating or recovering) the database and returns the
    /// namespace's committed state.
    pub fn open(path: &Path, namespace: &str) -> Result<(Store, NamespaceState)> {
        files::validate_path(path)?;
        let (conn, recovery) = recovery::open_recovering(path).map_err(|e| naming(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
            namespace: namespace.to_owned(),
            user_id: String::new(),
            seen_data_version: 0,
            recovery,
        };
        let state = store.load_at_open().map_err(|e| naming(path, e))?;
        Ok((store, state))
    }

    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// Applies `change` to the freshly read committed state and commits the
    /// result atomically. On any error nothing is stored.
    pub fn update<R>(&mut self, change: impl FnOnce(&mut NamespaceState) -> Result<R>) -> Result<(R, NamespaceState)> {
        self.commit(change).map_err(|e| naming(&self.path, e))
    }

    /// The committed state if another connection changed it since this one
    /// last looked, else `None` (the caller's copy is current).
    pub fn reload_if_changed(&mut self) -> Result<Option<NamespaceState>> {
        self.reload().map_err(|e| naming(&self.path, e))
    }

    fn load_at_open(&mut self) -> Result<NamespaceState> {
        // A write transaction even when nothing is new: it is what proves at
        // open time that the file is writable, not at the first event.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let (user_id, replaced) = rows::ensure_user_id(&tx)?;
        tx.commit()?;
        self.user_id = user_id;
        if let Some(invalid) = replaced {
            let rows::Invalid { column, problem } = invalid;
            self.report_repair(format!("stored `{column}` {problem}; a new userId replaced it"));
        }
        self.commit(unchanged).map(|((), state)| state)
    }

    /// A stored state that fails validation is replaced by the default state
    /// in the same transaction, and the repair reported (rule 17).
    fn commit<R>(&mut self, change: impl FnOnce(&mut NamespaceState) -> Result<R>) -> Result<(R, NamespaceState)> {
        let (tx, before, invalid) = self.begin()?;
        let mut state = before.clone();
        let result = change(&mut state)?;
        save_if_changed(tx, &self.namespace, &before, &state, invalid.is_some())?;
        self.committed(invalid)?;
        Ok((result, state))
    }

    // Not generic, so that every kind of change shares one copy.
    #[inline(never)]
    fn begin(&self) -> Result<(Transaction<'_>, NamespaceState, Option<rows::Invalid>)> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        Ok(match rows::load(&tx, &self.namespace)? {
            Ok(state) => (tx, state, None),
            Err(invalid) => (tx, NamespaceState::default(), Some(invalid)),
        })
    }

    // Not generic, so that every kind of change shares one copy.
    #[inline(never)]
    fn committed(&mut self, invalid: Option<rows::Invalid>) -> Result<()> {
        if let Some(rows::Invalid { column, problem }) = invalid {
            let namespace = &self.namespace;
            self.report_repair(format!(
                "namespace {namespace:?}: stored `{column}` {problem}; its session state was reset"
            ));
        }
        self.seen_data_version = connection::data_version(&self.conn)?;
        Ok(())
    }

    fn reload(&mut self) -> Result<Option<NamespaceState>> {
        let version = connection::data_version(&self.conn)?;
        if version == self.seen_data_version {
            return Ok(None);
        }
        match rows::load(&self.conn, &self.namespace)? {
            Ok(state) => {
                self.seen_data_version = version;
                Ok(Some(state))
            }
            // The repair a change would make, so that a getter never reports
            // a state that the next event would not continue from.
            Err(_) => self.commit(unchanged).map(|((), state)| Some(state)),
        }
    }

    fn report_repair(&mut self, reason: String) {
        log::warn!("sessioncore: {}: {reason}", self.path.display());
        self.recovery = Some(Recovery { moved_to: None, reason });
    }
}

/// The change that only reads (and repairs) the state; one function, so that
/// its callers share one copy of `commit`.
fn unchanged(_: &mut NamespaceState) -> Result<()> {
    Ok(())
}

// Not generic, so that every kind of change shares one copy.
#[inline(never)]
fn save_if_changed(
    tx: Transaction<'_>,
    namespace: &str,
    before: &NamespaceState,
    state: &NamespaceState,
    repaired: bool,
) -> Result<()> {
    if repaired || state != before {
        rows::save(&tx, namespace, state)?;
    }
    Ok(tx.commit()?)
}

/// Rule 17: every storage error names the file.
fn naming(path: &Path, error: Error) -> Error {
    match error {
        Error::Storage { message } => Error::storage(format!("{}: {message}", path.display())),
        other => other,
    }
}
