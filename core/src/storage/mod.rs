//! SQLite persistence of [`NamespaceState`] (rules 4, 6, 11, 17): one
//! connection per tracker, one IMMEDIATE transaction per state change, and
//! a reload whenever another connection committed in between.

mod connection;
mod recovery;
mod rows;
mod schema;

pub use recovery::Recovery;
pub use schema::SCHEMA_VERSION;

use crate::engine::NamespaceState;
use crate::error::Result;
use rusqlite::{Connection, TransactionBehavior};
use std::collections::BTreeMap;
use std::path::Path;

/// The whole file in one transaction: the install's user id and every
/// namespace's state (the opening namespace's among them, default when new).
pub struct FileState {
    pub user_id: String,
    pub namespaces: BTreeMap<String, NamespaceState>,
}

pub struct Store {
    conn: Connection,
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
        let (conn, recovery) = recovery::open_recovering(path)?;
        let mut store = Store {
            conn,
            namespace: namespace.to_owned(),
            user_id: String::new(),
            seen_data_version: 0,
            recovery,
        };
        // A write transaction even when nothing is new: it is what proves at
        // open time that the file is writable, not at the first event.
        let tx = store.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        store.user_id = rows::ensure_user_id(&tx)?;
        let state = rows::load(&tx, namespace)?.unwrap_or_default();
        tx.commit()?;
        store.seen_data_version = connection::data_version(&store.conn)?;
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
    /// result atomically. On any error nothing is stored.
    /// `change` also gets the install's user id as this transaction sees it.
    pub fn update<R>(
        &mut self,
        change: impl FnOnce(&mut NamespaceState, &str) -> Result<R>,
    ) -> Result<(R, NamespaceState)> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another connection may have reset the user id (rule 20).
        if connection::data_version(&tx)? != self.seen_data_version {
            self.user_id = rows::ensure_user_id(&tx)?;
        }
        let mut state = rows::load(&tx, &self.namespace)?.unwrap_or_default();
        let before = state.clone();
        let result = change(&mut state, &self.user_id)?;
        if state != before {
            rows::save(&tx, &self.namespace, &state)?;
        }
        tx.commit()?;
        self.seen_data_version = connection::data_version(&self.conn)?;
        Ok((result, state))
    }

    /// Applies `change` to the whole file (rules 20, 21) and commits the
    /// result atomically; returns this namespace's state after it.
    pub fn update_file<R>(&mut self, change: impl FnOnce(&mut FileState) -> Result<R>) -> Result<(R, NamespaceState)> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut namespaces = rows::load_all(&tx)?;
        namespaces.entry(self.namespace.clone()).or_default();
        let before = FileState {
            user_id: rows::ensure_user_id(&tx)?,
            namespaces,
        };
        let mut file = FileState {
            user_id: before.user_id.clone(),
            namespaces: before.namespaces.clone(),
        };
        let result = change(&mut file)?;
        if file.user_id != before.user_id {
            rows::set_user_id(&tx, &file.user_id)?;
        }
        for (namespace, state) in &file.namespaces {
            if before.namespaces.get(namespace) != Some(state) {
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
        let version = connection::data_version(&self.conn)?;
        if version == self.seen_data_version {
            return Ok(None);
        }
        let state = rows::load(&self.conn, &self.namespace)?.unwrap_or_default();
        self.user_id = rows::ensure_user_id(&self.conn)?;
        self.seen_data_version = version;
        Ok(Some(state))
    }
}
