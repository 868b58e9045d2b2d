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
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The whole file in one transaction: the install's user id and every
/// namespace's state (the opening namespace's among them, default when new).
pub struct FileState {
    pub user_id: String,
    pub namespaces: BTreeMap<String, NamespaceState>,
}

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

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// Applies `change` to the freshly read committed state and commits the
    /// result atomically. On any error nothing is stored. `change` also gets
    /// the install's user id as this transaction sees it.
    pub fn update<R>(
        &mut self,
        change: impl FnOnce(&mut NamespaceState, &str) -> Result<R>,
    ) -> Result<(R, NamespaceState)> {
        self.commit(change).map_err(|e| naming(&self.path, e))
    }

    /// Applies `change` to the whole file (rules 20, 21) and commits the
    /// result atomically; returns this namespace's state after it. A
    /// namespace whose stored row fails its checks counts as a fresh one.
    pub fn update_file<R>(&mut self, change: impl FnOnce(&mut FileState) -> Result<R>) -> Result<(R, NamespaceState)> {
        self.commit_file(change).map_err(|e| naming(&self.path, e))
    }

    fn commit_file<R>(&mut self, change: impl FnOnce(&mut FileState) -> Result<R>) -> Result<(R, NamespaceState)> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let (user_id, _) = rows::ensure_user_id(&tx)?;
        let mut before = rows::load_all(&tx)?;
        before
            .entry(self.namespace.clone())
            .or_insert(Ok(NamespaceState::default()));
        let mut file = FileState {
            user_id: user_id.clone(),
            namespaces: before
                .iter()
                .map(|(ns, state)| (ns.clone(), state.as_ref().cloned().unwrap_or_default()))
                .collect(),
        };
        let result = change(&mut file)?;
        if file.user_id != user_id {
            rows::set_user_id(&tx, &file.user_id)?;
        }
        for (namespace, state) in &file.namespaces {
            if before.get(namespace).and_then(|b| b.as_ref().ok()) != Some(state) {
                rows::save(&tx, namespace, state)?;
            }
        }
        tx.commit()?;
        self.seen_data_version = connection::data_version(&self.conn)?;
        self.user_id = file.user_id;
        let state = file.namespaces.remove(&self.namespace).unwrap_or_default();
        Ok((result, state))
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
    fn commit<R>(
        &mut self,
        change: impl FnOnce(&mut NamespaceState, &str) -> Result<R>,
    ) -> Result<(R, NamespaceState)> {
        let (tx, before, invalid, user_id) = begin(&self.conn, &self.namespace, self.seen_data_version)?;
        if let Some(user_id) = user_id {
            self.user_id = user_id;
        }
        let mut state = before.clone();
        let result = change(&mut state, &self.user_id)?;
        save_if_changed(tx, &self.namespace, &before, &state, invalid.is_some())?;
        self.committed(invalid)?;
        Ok((result, state))
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
                // Another connection may have reset the user id (rule 20).
                self.user_id = rows::user_id(&self.conn)?;
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
fn unchanged(_: &mut NamespaceState, _: &str) -> Result<()> {
    Ok(())
}

/// Opens a change's transaction and reads the namespace's row, and the user
/// id when another connection committed since `seen_data_version` (a reset
/// may have replaced it, rule 20). Not generic, so that every kind of change
/// shares one copy.
#[inline(never)]
fn begin<'c>(
    conn: &'c Connection,
    namespace: &str,
    seen_data_version: i64,
) -> Result<(Transaction<'c>, NamespaceState, Option<rows::Invalid>, Option<String>)> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let user_id = match connection::data_version(&tx)? == seen_data_version {
        true => None,
        false => Some(rows::user_id(&tx)?),
    };
    Ok(match rows::load(&tx, namespace)? {
        Ok(state) => (tx, state, None, user_id),
        Err(invalid) => (tx, NamespaceState::default(), Some(invalid), user_id),
    })
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
