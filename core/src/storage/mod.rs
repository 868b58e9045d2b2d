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
use std::path::Path;

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

    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// Applies `change` to the freshly read committed state and commits the
    /// result atomically. On any error nothing is stored.
    pub fn update<R>(&mut self, change: impl FnOnce(&mut NamespaceState) -> Result<R>) -> Result<(R, NamespaceState)> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut state = rows::load(&tx, &self.namespace)?.unwrap_or_default();
        let before = state.clone();
        let result = change(&mut state)?;
        if state != before {
            rows::save(&tx, &self.namespace, &state)?;
        }
        tx.commit()?;
        self.seen_data_version = connection::data_version(&self.conn)?;
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
        self.seen_data_version = version;
        Ok(Some(state))
    }
}
