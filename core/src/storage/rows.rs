//! Mapping between [`NamespaceState`] and its row, and the install row.

use crate::engine::{new_uuid, BootInstant, Moment, NamespaceState, NewSessionReason, Session};
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

/// Rule 20: a reset gives the install a new user id.
pub fn set_user_id(conn: &Connection, user_id: &str) -> Result<()> {
    conn.execute("UPDATE install SET user_id = ?1 WHERE singleton = 1", [user_id])?;
    Ok(())
}

/// Every namespace's state, by name.
pub fn load_all(conn: &Connection) -> Result<std::collections::BTreeMap<String, NamespaceState>> {
    let mut statement = conn.prepare("SELECT * FROM namespace_state")?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, String>("namespace")?, from_row(row))))?;
    rows.map(|row| {
        let (namespace, state) = row?;
        Ok((namespace, state?))
    })
    .collect()
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
            start: moment(
                row,
                "session_start_ms",
                "session_start_boot_id",
                "session_start_uptime_ms",
            )?,
            last_activity: moment(
                row,
                "last_activity_ms",
                "last_activity_boot_id",
                "last_activity_uptime_ms",
            )?,
            foreground_index: row.get("foreground_index")?,
            background_index: row.get("background_index")?,
            start_reason: reason("start_reason")?
                .ok_or_else(|| Error::storage("stored session has no start reason"))?,
            custom_id: row.get("custom_session_id")?,
            anonymous: row.get("session_anonymous")?,
        }),
    };
    Ok(NamespaceState {
        latest,
        ended: row.get("session_ended")?,
        in_background: row.get("in_background")?,
        pending: reason("pending_reason")?,
        end_reason: reason("end_reason")?,
        end_reported: row.get("end_reported")?,
        new_user: row.get("new_user")?,
        manual: row.get("manual")?,
        app_user_id: row.get("app_user_id")?,
    })
}

fn moment(row: &Row<'_>, wall: &str, boot_id: &str, uptime: &str) -> Result<Moment> {
    let boot = match (
        row.get::<_, Option<String>>(boot_id)?,
        row.get::<_, Option<i64>>(uptime)?,
    ) {
        (Some(boot_id), Some(uptime_ms)) => Some(BootInstant { boot_id, uptime_ms }),
        _ => None,
    };
    Ok(Moment {
        wall_ms: row.get(wall)?,
        boot,
    })
}

pub fn save(conn: &Connection, namespace: &str, state: &NamespaceState) -> Result<()> {
    let session = state.latest.as_ref();
    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO namespace_state VALUES (
            :namespace, :session_id, :previous_session_id, :session_index, :event_index,
            :first_event_id, :first_event_ms, :session_start_ms, :last_activity_ms,
            :foreground_index, :background_index, :start_reason, :custom_session_id,
            :session_ended, :in_background, :pending_reason, :manual, :app_user_id,
            :session_start_boot_id, :session_start_uptime_ms, :last_activity_boot_id, :last_activity_uptime_ms,
            :session_anonymous, :end_reason, :end_reported, :new_user)",
    )?;
    statement.execute(named_params! {
        ":namespace": namespace,
        ":session_id": session.map(|s| &s.id),
        ":previous_session_id": session.and_then(|s| s.previous_id.as_ref()),
        ":session_index": session.map(|s| s.index),
        ":event_index": session.map(|s| s.event_index),
        ":first_event_id": session.and_then(|s| s.first_event_id.as_ref()),
        ":first_event_ms": session.and_then(|s| s.first_event_ms),
        ":session_start_ms": session.map(|s| s.start.wall_ms),
        ":last_activity_ms": session.map(|s| s.last_activity.wall_ms),
        ":foreground_index": session.map(|s| s.foreground_index),
        ":background_index": session.map(|s| s.background_index),
        ":start_reason": session.map(|s| s.start_reason.as_str()),
        ":custom_session_id": session.and_then(|s| s.custom_id),
        ":session_ended": state.ended,
        ":in_background": state.in_background,
        ":pending_reason": state.pending.map(NewSessionReason::as_str),
        ":manual": state.manual,
        ":app_user_id": state.app_user_id,
        ":session_start_boot_id": session.and_then(|s| s.start.boot.as_ref().map(|b| &b.boot_id)),
        ":session_start_uptime_ms": session.and_then(|s| s.start.boot.as_ref().map(|b| b.uptime_ms)),
        ":last_activity_boot_id": session.and_then(|s| s.last_activity.boot.as_ref().map(|b| &b.boot_id)),
        ":last_activity_uptime_ms": session.and_then(|s| s.last_activity.boot.as_ref().map(|b| b.uptime_ms)),
        ":session_anonymous": session.is_some_and(|s| s.anonymous),
        ":end_reason": state.end_reason.map(NewSessionReason::as_str),
        ":end_reported": state.end_reported,
        ":new_user": state.new_user,
    })?;
    Ok(())
}
