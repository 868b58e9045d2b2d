//! Mapping between [`NamespaceState`] and its row, and the install row.

use crate::engine::{new_uuid, NamespaceState, NewSessionReason, Session};
use crate::error::{Error, Result};
use rusqlite::{named_params, Connection, OptionalExtension, Row};

/// Rule 1: the install's user id, created by the first open of the file.
pub fn ensure_user_id(conn: &Connection) -> Result<String> {
    conn.execute(
        "INSERT OR IGNORE INTO install (singleton, user_id) VALUES (1, ?1)",
        [new_uuid()],
    )?;
    Ok(conn.query_row("SELECT user_id FROM install WHERE singleton = 1", [], |row| row.get(0))?)
}

pub fn load(conn: &Connection, namespace: &str) -> Result<Option<NamespaceState>> {
    let mut statement = conn.prepare_cached("SELECT * FROM namespace_state WHERE namespace = ?1")?;
    let row = statement.query_row([namespace], |row| Ok(from_row(row))).optional()?;
    row.transpose()
}

fn from_row(row: &Row<'_>) -> Result<NamespaceState> {
    let reason = |column: &str| -> Result<Option<NewSessionReason>> {
        row.get::<_, Option<String>>(column)?
            .map(|text| {
                NewSessionReason::parse(&text)
                    .ok_or_else(|| Error::storage(format!("stored `{column}` `{text}` is not a known reason")))
            })
            .transpose()
    };
    let latest = match row.get::<_, Option<String>>("session_id")? {
        None => None,
        Some(id) => Some(Session {
            id,
            previous_id: row.get("previous_session_id")?,
            index: row.get("session_index")?,
            event_index: row.get("event_index")?,
            first_event_id: row.get("first_event_id")?,
            first_event_ms: row.get("first_event_ms")?,
            start_ms: row.get("session_start_ms")?,
            last_activity_ms: row.get("last_activity_ms")?,
            foreground_index: row.get("foreground_index")?,
            background_index: row.get("background_index")?,
            start_reason: reason("start_reason")?
                .ok_or_else(|| Error::storage("stored session has no start reason"))?,
            custom_id: row.get("custom_session_id")?,
        }),
    };
    Ok(NamespaceState {
        latest,
        ended: row.get("session_ended")?,
        in_background: row.get("in_background")?,
        pending: reason("pending_reason")?,
        manual: row.get("manual")?,
        app_user_id: row.get("app_user_id")?,
    })
}

pub fn save(conn: &Connection, namespace: &str, state: &NamespaceState) -> Result<()> {
    let session = state.latest.as_ref();
    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO namespace_state VALUES (
            :namespace, :session_id, :previous_session_id, :session_index, :event_index,
            :first_event_id, :first_event_ms, :session_start_ms, :last_activity_ms,
            :foreground_index, :background_index, :start_reason, :custom_session_id,
            :session_ended, :in_background, :pending_reason, :manual, :app_user_id)",
    )?;
    statement.execute(named_params! {
        ":namespace": namespace,
        ":session_id": session.map(|s| &s.id),
        ":previous_session_id": session.and_then(|s| s.previous_id.as_ref()),
        ":session_index": session.map(|s| s.index),
        ":event_index": session.map(|s| s.event_index),
        ":first_event_id": session.and_then(|s| s.first_event_id.as_ref()),
        ":first_event_ms": session.and_then(|s| s.first_event_ms),
        ":session_start_ms": session.map(|s| s.start_ms),
        ":last_activity_ms": session.map(|s| s.last_activity_ms),
        ":foreground_index": session.map(|s| s.foreground_index),
        ":background_index": session.map(|s| s.background_index),
        ":start_reason": session.map(|s| s.start_reason.as_str()),
        ":custom_session_id": session.and_then(|s| s.custom_id),
        ":session_ended": state.ended,
        ":in_background": state.in_background,
        ":pending_reason": state.pending.map(NewSessionReason::as_str),
        ":manual": state.manual,
        ":app_user_id": state.app_user_id,
    })?;
    Ok(())
}
