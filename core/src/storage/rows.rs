//! Mapping between [`NamespaceState`] and its row, and the install row.
//! Stored values are checked as they are read: the engine counts on indexes
//! within rule 14, times it can format, ids that are UUIDs and known
//! reasons, so a value outside them (another program's write, a damaged
//! page) is reported instead of emitted.

use crate::engine::{
    new_uuid, BootInstant, Moment, NamespaceState, NewSessionReason, Session, MAX_APP_USER_ID_BYTES, MAX_BOOT_ID_BYTES,
    MAX_INDEX, MAX_TIME_MS, MIN_CUSTOM_SESSION_ID,
};
use crate::error::Result;
use rusqlite::types::ValueRef;
use rusqlite::{named_params, Connection, OptionalExtension, Row};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// A stored value the engine cannot take: its column and what is wrong.
#[derive(Debug)]
pub struct Invalid {
    pub column: &'static str,
    pub problem: &'static str,
}

type Checked<T> = std::result::Result<T, Invalid>;

/// Rule 1: the install's user id, created by the first open of the file. One
/// that is not a UUID is replaced, and returned as the second value.
pub fn ensure_user_id(conn: &Connection) -> Result<(String, Option<Invalid>)> {
    conn.execute(
        "INSERT OR IGNORE INTO install (singleton, user_id) VALUES (1, ?1)",
        [new_uuid()],
    )?;
    let stored = conn.query_row("SELECT user_id FROM install WHERE singleton = 1", [], |row| {
        Ok(uuid(row, "user_id").and_then(|id| required("user_id", id)))
    })?;
    match stored {
        Ok(user_id) => Ok((user_id, None)),
        Err(invalid) => {
            let user_id = new_uuid();
            conn.execute("UPDATE install SET user_id = ?1", [&user_id])?;
            Ok((user_id, Some(invalid)))
        }
    }
}

/// The install's user id as stored (after `ensure_user_id` checked it).
pub fn user_id(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("SELECT user_id FROM install WHERE singleton = 1", [], |row| row.get(0))?)
}

/// Rule 20: a reset gives the install a new user id.
pub fn set_user_id(conn: &Connection, user_id: &str) -> Result<()> {
    conn.execute("UPDATE install SET user_id = ?1 WHERE singleton = 1", [user_id])?;
    Ok(())
}

/// Every namespace's state, or what is wrong with its row, by name.
pub fn load_all(conn: &Connection) -> Result<BTreeMap<String, Checked<NamespaceState>>> {
    let mut statement = conn.prepare("SELECT * FROM namespace_state")?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, String>("namespace")?, from_row(row))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The namespace's state (the default when it has no row yet), or what is
/// wrong with its row.
pub fn load(conn: &Connection, namespace: &str) -> Result<Checked<NamespaceState>> {
    let mut statement = conn.prepare_cached("SELECT * FROM namespace_state WHERE namespace = ?1")?;
    let row = statement.query_row([namespace], |row| Ok(from_row(row))).optional()?;
    Ok(row.unwrap_or_else(|| Ok(NamespaceState::default())))
}

fn from_row(row: &Row<'_>) -> Checked<NamespaceState> {
    let latest = match uuid(row, "session_id")? {
        None => None,
        Some(id) => {
            let first_event_id = uuid(row, "first_event_id")?;
            let first_event_ms = time(row, "first_event_ms")?;
            let event_index = required("event_index", index(row, "event_index", 0)?)?;
            // A session imported without its first event (rule 21) gets it
            // from its next event; a first event is never without a count.
            if first_event_id.is_some() != first_event_ms.is_some() || (first_event_id.is_some() && event_index == 0) {
                return Err(invalid(
                    "first_event_id",
                    "disagrees with `first_event_ms` or `event_index`",
                ));
            }
            Some(Session {
                id,
                previous_id: uuid(row, "previous_session_id")?,
                index: required("session_index", index(row, "session_index", 1)?)?,
                event_index,
                first_event_id,
                first_event_ms,
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
                foreground_index: required("foreground_index", index(row, "foreground_index", 0)?)?,
                background_index: required("background_index", index(row, "background_index", 0)?)?,
                start_reason: required("start_reason", reason(row, "start_reason")?)?,
                custom_id: integer(row, "custom_session_id", MIN_CUSTOM_SESSION_ID..=i64::MAX)?,
                anonymous: flag(row, "session_anonymous")?,
            })
        }
    };
    let app_user_id = text(row, "app_user_id")?;
    if app_user_id.is_some_and(|id| id.is_empty() || id.len() > MAX_APP_USER_ID_BYTES) {
        return Err(invalid("app_user_id", "is empty or longer than 255 bytes"));
    }
    Ok(NamespaceState {
        latest,
        ended: flag(row, "session_ended")?,
        in_background: flag(row, "in_background")?,
        pending: reason(row, "pending_reason")?,
        manual: flag(row, "manual")?,
        app_user_id: app_user_id.map(str::to_owned),
        end_reason: reason(row, "end_reason")?,
        end_reported: flag(row, "end_reported")?,
        new_user: flag(row, "new_user")?,
    })
}

/// A stored moment: its wall clock, and its boot clock when it had one.
fn moment(row: &Row<'_>, wall: &'static str, boot_id: &'static str, uptime: &'static str) -> Checked<Moment> {
    let wall_ms = required(wall, time(row, wall)?)?;
    let boot = match (text(row, boot_id)?, integer(row, uptime, 0..=MAX_TIME_MS)?) {
        (None, None) => None,
        (Some(id), Some(uptime_ms)) if !id.is_empty() && id.len() <= MAX_BOOT_ID_BYTES => Some(BootInstant {
            boot_id: id.to_owned(),
            uptime_ms,
        }),
        _ => return Err(invalid(boot_id, "disagrees with its uptime")),
    };
    Ok(Moment { wall_ms, boot })
}

fn invalid(column: &'static str, problem: &'static str) -> Invalid {
    Invalid { column, problem }
}

fn required<T>(column: &'static str, value: Option<T>) -> Checked<T> {
    value.ok_or(invalid(column, "is missing"))
}

fn integer(row: &Row<'_>, column: &'static str, range: RangeInclusive<i64>) -> Checked<Option<i64>> {
    match row.get_ref(column) {
        Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Integer(value)) if range.contains(&value) => Ok(Some(value)),
        Ok(ValueRef::Integer(_)) => Err(invalid(column, "is out of range")),
        _ => Err(invalid(column, "is not an integer")),
    }
}

fn text<'r>(row: &'r Row<'_>, column: &'static str) -> Checked<Option<&'r str>> {
    match row.get_ref(column) {
        Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Text(bytes)) => std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| invalid(column, "is not UTF-8")),
        _ => Err(invalid(column, "is not text")),
    }
}

/// Rule 14's range; sessionIndex starts at 1, the other indexes at 0.
fn index(row: &Row<'_>, column: &'static str, min: i64) -> Checked<Option<u32>> {
    Ok(integer(row, column, min..=i64::from(MAX_INDEX))?.map(|value| value as u32))
}

/// The range every caller-supplied time is checked against, so that it formats.
fn time(row: &Row<'_>, column: &'static str) -> Checked<Option<i64>> {
    integer(row, column, 0..=MAX_TIME_MS)
}

fn flag(row: &Row<'_>, column: &'static str) -> Checked<bool> {
    required(column, integer(row, column, 0..=1)?).map(|value| value == 1)
}

/// Ids are stored as the engine writes them: lower-case, hyphenated.
fn uuid(row: &Row<'_>, column: &'static str) -> Checked<Option<String>> {
    match text(row, column)? {
        Some(id) if uuid::Uuid::try_parse(id).map(|u| u.hyphenated().to_string()).as_deref() != Ok(id) => {
            Err(invalid(column, "is not a lower-case UUID"))
        }
        id => Ok(id.map(str::to_owned)),
    }
}

fn reason(row: &Row<'_>, column: &'static str) -> Checked<Option<NewSessionReason>> {
    text(row, column)?
        .map(|text| NewSessionReason::parse(text).ok_or(invalid(column, "is not a known reason")))
        .transpose()
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
