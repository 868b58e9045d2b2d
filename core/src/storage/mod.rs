//! SQLite persistence of [`NamespaceState`] (rules 4, 6, 11, 17): one
//! connection per tracker, one IMMEDIATE transaction per state change, and
//! a reload whenever another connection committed in between.

mod change_probe;
mod connection;
mod files;
mod recovery;
mod rows;
mod schema;
mod transaction;

pub use connection::Durability;
pub use recovery::Recovery;
pub use schema::SCHEMA_VERSION;

use crate::engine::NamespaceState;
use crate::error::{Error, Result};
use change_probe::ChangeProbe;
use rusqlite::Connection;
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use transaction::{Database, WriteTransaction};

/// The whole file in one transaction: the install's user id and every
/// namespace's state by name (the opening namespace's among them, fresh
/// when new; a row that fails its checks counts as a fresh namespace). A
/// change may change the user id and the states, not which namespaces exist.
pub struct FileState {
    pub user_id: String,
    pub namespaces: Vec<(String, NamespaceState)>,
}

impl FileState {
    pub fn namespace_mut(&mut self, name: &str) -> Option<&mut NamespaceState> {
        (self.namespaces.iter_mut())
            .find(|(candidate, _)| candidate == name)
            .map(|(_, state)| state)
    }
}

pub struct Store {
    /// Closed in `drop`, under the open lock.
    conn: ManuallyDrop<Database>,
    path: PathBuf,
    namespace: String,
    known: Known,
    /// Lets a getter skip `PRAGMA data_version` when nothing was committed.
    probe: ChangeProbe,
    recovery: Option<Recovery>,
}

/// A connection closes under the lock opens take. SQLite 3.51's unix VFS
/// takes its global mutex and a file's lock mutex in opposite orders when a
/// connection closes (its exclusive lock attempt asks for the global mutex
/// inside the file's) while another connection of the process opens or
/// closes the same file (the file's mutex inside the global one): two
/// threads doing so deadlock for good. Opens already exclude each other.
impl Drop for Store {
    fn drop(&mut self) {
        // Without the lock file (its directory gone, say) the close still happens.
        let _lock = files::OpenLock::acquire(&self.path).ok();
        // SAFETY: `conn` is not used after this; `drop` runs once.
        unsafe { ManuallyDrop::drop(&mut self.conn) };
    }
}

/// The install's user id and the namespace's state as this connection last
/// committed or read them.
#[derive(Default)]
struct Known {
    user_id: String,
    state: NamespaceState,
    /// The connection's data version when `user_id` and `state` were the
    /// committed ones (`connection::data_version`); `None` when they must be
    /// read again.
    version: Option<u32>,
}

impl Known {
    /// Inside a write transaction: reads the user id and the namespace's row
    /// only when another connection committed since this one last looked, so
    /// that the only writer of a file reads nothing per event. A row that
    /// fails its checks becomes the default state, which the caller saves.
    fn read_if_changed(&mut self, tx: &Connection, namespace: &str) -> Result<Option<rows::Invalid>> {
        if self.version == Some(connection::data_version(tx)?) {
            return Ok(None);
        }
        self.version = None;
        // Another connection may have reset the user id (rule 20).
        self.user_id = rows::user_id(tx)?;
        match rows::load(tx, namespace)? {
            Ok(state) => {
                self.state = state;
                Ok(None)
            }
            Err(invalid) => {
                self.state = NamespaceState::default();
                Ok(Some(invalid))
            }
        }
    }
}

impl Store {
    /// Opens (creating, migrating or recovering) the database and reads the
    /// namespace's committed state.
    pub fn open(path: &Path, namespace: &str, durability: Durability) -> Result<Store> {
        files::validate_path(path)?;
        let (conn, recovery) = recovery::open_recovering(path, durability).map_err(|e| naming(path, e))?;
        let mut store = Store {
            conn: ManuallyDrop::new(conn),
            path: path.to_owned(),
            namespace: namespace.to_owned(),
            known: Known::default(),
            probe: ChangeProbe::default(),
            recovery,
        };
        store.load_at_open().map_err(|e| naming(path, e))?;
        store.probe = ChangeProbe::new(&store.conn);
        Ok(store)
    }

    pub fn user_id(&self) -> &str {
        &self.known.user_id
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The namespace's state as this connection last saw it committed; see
    /// `refresh` for other connections' commits.
    pub fn state(&self) -> &NamespaceState {
        &self.known.state
    }

    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// Applies `change` to the committed state and commits the result
    /// atomically. On any error nothing is stored. `change` also gets the
    /// install's user id as this transaction sees it.
    pub fn update<R>(&mut self, change: impl FnOnce(&mut NamespaceState, &str) -> Result<R>) -> Result<R> {
        self.commit(change).map_err(|e| naming(&self.path, e))
    }

    /// Applies `change` to the whole file (rules 20, 21) and commits the
    /// result atomically. A namespace whose stored row fails its checks
    /// counts as a fresh one.
    pub fn update_file<R>(&mut self, change: impl FnOnce(&mut FileState) -> Result<R>) -> Result<R> {
        self.commit_file(change).map_err(|e| naming(&self.path, e))
    }

    fn commit_file<R>(&mut self, change: impl FnOnce(&mut FileState) -> Result<R>) -> Result<R> {
        self.probe.forget();
        let tx = WriteTransaction::begin(&self.conn)?;
        let stored = read_file(&tx, &self.namespace)?;
        let mut file = FileState {
            user_id: stored.user_id.clone(),
            namespaces: (stored.namespaces.iter())
                .map(|(name, state)| (name.clone(), state.clone().unwrap_or_default()))
                .collect(),
        };
        let result = change(&mut file)?;
        self.known.version = None;
        self.known = write_file(tx, &self.namespace, &stored, file)?;
        Ok(result)
    }

    /// Reads the committed state again if another connection changed it
    /// since this one last looked; when nothing was committed, a look at
    /// the WAL-index header and no more.
    pub fn refresh(&mut self) -> Result<()> {
        self.reload().map_err(|e| naming(&self.path, e))
    }

    fn load_at_open(&mut self) -> Result<()> {
        // A write transaction even when nothing is new: it is what proves at
        // open time that the file is writable, not at the first event.
        let tx = WriteTransaction::begin(&self.conn)?;
        let (user_id, replaced) = rows::ensure_user_id(&tx)?;
        tx.commit()?;
        self.known.user_id = user_id;
        if let Some(invalid) = replaced {
            let rows::Invalid { column, problem } = invalid;
            self.report_repair(format!("stored `{column}` {problem}; a new userId replaced it"));
        }
        self.commit(unchanged)
    }

    /// A stored state that fails validation is replaced by the default state
    /// in the same transaction, and the repair reported (rule 17).
    fn commit<R>(&mut self, change: impl FnOnce(&mut NamespaceState, &str) -> Result<R>) -> Result<R> {
        self.probe.forget();
        let tx = WriteTransaction::begin(&self.conn)?;
        let invalid = self.known.read_if_changed(&tx, &self.namespace)?;
        let mut state = self.known.state.clone();
        let result = change(&mut state, &self.known.user_id)?;
        // Should the commit fail, what the file holds is read again.
        self.known.version = None;
        save_if_changed(tx, &self.namespace, &self.known.state, &state, invalid.is_some())?;
        self.known.state = state;
        self.known.version = Some(connection::data_version(&self.conn)?);
        if let Some(invalid) = invalid {
            self.report_reset(invalid);
        }
        Ok(result)
    }

    // Not generic, so that every kind of change shares one copy.
    #[inline(never)]
    fn report_reset(&mut self, invalid: rows::Invalid) {
        let rows::Invalid { column, problem } = invalid;
        let namespace = &self.namespace;
        self.report_repair(format!(
            "namespace `{namespace}`: stored `{column}` {problem}; its session state was reset"
        ));
    }

    /// Outside any transaction, so that a getter never waits for a writer.
    fn reload(&mut self) -> Result<()> {
        if self.probe.unchanged() {
            return Ok(());
        }
        // Read first: a commit after it only makes the next look ask again.
        let header = self.probe.header();
        let version = connection::data_version_now(&self.conn)?;
        if self.known.version == Some(version) {
            self.probe.remember(header);
            return Ok(());
        }
        match rows::load(&self.conn, &self.namespace)? {
            Ok(state) => {
                // Another connection may have reset the user id (rule 20).
                let user_id = rows::user_id(&self.conn)?;
                // Read after `version`: at worst newer, and read again next time.
                self.known = Known {
                    user_id,
                    state,
                    version: Some(version),
                };
                self.probe.remember(header);
                Ok(())
            }
            // The repair a change would make, so that a getter never reports
            // a state that the next event would not continue from.
            Err(_) => self.commit(unchanged),
        }
    }

    fn report_repair(&mut self, reason: String) {
        log::warn!("sessioncore: {}: {reason}", self.path.display());
        self.recovery = Some(Recovery { moved_to: None, reason });
    }
}

/// The file as stored: a namespace's state is none when its row fails its checks.
struct StoredFile {
    user_id: String,
    namespaces: Vec<(String, Option<NamespaceState>)>,
}

/// Inside a write transaction: the install's user id and every namespace's
/// row, `namespace`'s among them (none yet: a fresh one). Not generic, so
/// that every file-wide change shares one copy.
#[inline(never)]
fn read_file(tx: &Connection, namespace: &str) -> Result<StoredFile> {
    let (user_id, _) = rows::ensure_user_id(tx)?;
    let mut namespaces: Vec<_> = (rows::load_all(tx)?.into_iter())
        .map(|(name, state)| (name, state.ok()))
        .collect();
    if !namespaces.iter().any(|(name, _)| name == namespace) {
        namespaces.push((namespace.to_owned(), Some(NamespaceState::default())));
    }
    Ok(StoredFile { user_id, namespaces })
}

/// Saves what `file` changed from `stored` (and every row that failed its
/// checks) and commits; returns what the connection then knows.
#[inline(never)]
fn write_file(tx: WriteTransaction<'_>, namespace: &str, stored: &StoredFile, mut file: FileState) -> Result<Known> {
    if file.user_id != stored.user_id {
        rows::set_user_id(&tx, &file.user_id)?;
    }
    for ((name, state), (_, before)) in file.namespaces.iter().zip(&stored.namespaces) {
        if before.as_ref() != Some(state) {
            rows::save(&tx, name, state)?;
        }
    }
    let db = tx.commit()?;
    Ok(Known {
        state: file.namespace_mut(namespace).map(std::mem::take).unwrap_or_default(),
        user_id: file.user_id,
        version: Some(connection::data_version(db)?),
    })
}

/// The change that only reads (and repairs) the state; one function, so that
/// its callers share one copy of `commit`.
fn unchanged(_: &mut NamespaceState, _: &str) -> Result<()> {
    Ok(())
}

// Not generic, so that every kind of change shares one copy.
#[inline(never)]
fn save_if_changed(
    tx: WriteTransaction<'_>,
    namespace: &str,
    before: &NamespaceState,
    state: &NamespaceState,
    repaired: bool,
) -> Result<()> {
    if repaired || state != before {
        rows::save(&tx, namespace, state)?;
    }
    tx.commit()?;
    Ok(())
}

/// Rule 17: every storage error names the file.
fn naming(path: &Path, error: Error) -> Error {
    match error {
        Error::Storage { message } => Error::storage(format!("{}: {message}", path.display())),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_durability_sets_its_synchronous_level() {
        let dir = crate::scratch::scratch_dir("durability");
        // SQLite's numbering: 1 is NORMAL, 2 is FULL.
        for (durability, level) in [(Durability::Full, 2), (Durability::Normal, 1), (Durability::Full, 2)] {
            let store = Store::open(&dir.join("sessions.db"), "default", durability).unwrap();
            let synchronous: i64 = connection::pragma(&store.conn, "PRAGMA synchronous").unwrap();
            assert_eq!((durability, synchronous), (durability, level));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
