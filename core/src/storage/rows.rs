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
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::ops::RangeInclusive;

/// A stored value the engine cannot take: its column and what is wrong.
#[derive(Debug)]
pub struct Invalid {
    pub column: &'static str,
    pub problem: &'static str,
}

type Checked<T> = std::result::Result<T, Invalid>;

/// A column: its position in a query's result and its name for reports.
/// Rows are read by position, which costs nothing, instead of by name,
/// which SQLite answers by comparing every column's name.
#[derive(Clone, Copy)]
struct Column(usize, &'static str);

/// The install row's one column, as `SELECT user_id` returns it.
const USER_ID: Column = Column(0, "user_id");

// `namespace_state`'s columns in the table's order, which is the order the
// migrations create them in (opening a file checks its tables are exactly
// those): `SELECT *` returns them so, and `save` writes them so.
const NAMESPACE: Column = Column(0, "namespace");
const SESSION_ID: Column = Column(1, "session_id");
const PREVIOUS_SESSION_ID: Column = Column(2, "previous_session_id");
const SESSION_INDEX: Column = Column(3, "session_index");
const EVENT_INDEX: Column = Column(4, "event_index");
const FIRST_EVENT_ID: Column = Column(5, "first_event_id");
const FIRST_EVENT_MS: Column = Column(6, "first_event_ms");
const SESSION_START_MS: Column = Column(7, "session_start_ms");
const LAST_ACTIVITY_MS: Column = Column(8, "last_activity_ms");
const FOREGROUND_INDEX: Column = Column(9, "foreground_index");
const BACKGROUND_INDEX: Column = Column(10, "background_index");
const START_REASON: Column = Column(11, "start_reason");
const CUSTOM_SESSION_ID: Column = Column(12, "custom_session_id");
const SESSION_ENDED: Column = Column(13, "session_ended");
const IN_BACKGROUND: Column = Column(14, "in_background");
const PENDING_REASON: Column = Column(15, "pending_reason");
const MANUAL: Column = Column(16, "manual");
const APP_USER_ID: Column = Column(17, "app_user_id");
const SESSION_START_BOOT_ID: Column = Column(18, "session_start_boot_id");
const SESSION_START_UPTIME_MS: Column = Column(19, "session_start_uptime_ms");
const LAST_ACTIVITY_BOOT_ID: Column = Column(20, "last_activity_boot_id");
const LAST_ACTIVITY_UPTIME_MS: Column = Column(21, "last_activity_uptime_ms");
const SESSION_ANONYMOUS: Column = Column(22, "session_anonymous");
const END_REASON: Column = Column(23, "end_reason");
const END_REPORTED: Column = Column(24, "end_reported");
const NEW_USER: Column = Column(25, "new_user");

/// Rule 1: the install's user id, created by the first open of the file. One
/// that is not a UUID is replaced, and returned as the second value.
pub fn ensure_user_id(conn: &Connection) -> Result<(String, Option<Invalid>)> {
    conn.execute(
        "INSERT OR IGNORE INTO install (singleton, user_id) VALUES (1, ?1)",
        [new_uuid()],
    )?;
    let stored = conn.query_row("SELECT user_id FROM install WHERE singleton = 1", [], |row| {
        Ok(uuid(row, USER_ID).and_then(|id| required(USER_ID, id)))
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
    let mut statement = conn.prepare_cached("SELECT user_id FROM install WHERE singleton = 1")?;
    Ok(statement.query_row([], |row| row.get(0))?)
}

/// Rule 20: a reset gives the install a new user id.
pub fn set_user_id(conn: &Connection, user_id: &str) -> Result<()> {
    conn.execute("UPDATE install SET user_id = ?1 WHERE singleton = 1", [user_id])?;
    Ok(())
}

/// Every namespace's state, or what is wrong with its row, by name.
pub fn load_all(conn: &Connection) -> Result<Vec<(String, Checked<NamespaceState>)>> {
    let mut statement = conn.prepare("SELECT * FROM namespace_state")?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, String>(NAMESPACE.0)?, from_row(row))))?;
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
    let latest = match uuid(row, SESSION_ID)? {
        None => None,
        Some(id) => {
            let first_event_id = uuid(row, FIRST_EVENT_ID)?;
            let first_event_ms = time(row, FIRST_EVENT_MS)?;
            let event_index = required(EVENT_INDEX, index(row, EVENT_INDEX, 0)?)?;
            // A session imported without its first event (rule 21) gets it
            // from its next event; a first event is never without a count.
            if first_event_id.is_some() != first_event_ms.is_some() || (first_event_id.is_some() && event_index == 0) {
                return Err(invalid(
                    FIRST_EVENT_ID,
                    "disagrees with `first_event_ms` or `event_index`",
                ));
            }
            Some(Session {
                id,
                previous_id: uuid(row, PREVIOUS_SESSION_ID)?,
                index: required(SESSION_INDEX, index(row, SESSION_INDEX, 1)?)?,
                event_index,
                first_event_id,
                first_event_ms,
                start: moment(row, SESSION_START_MS, SESSION_START_BOOT_ID, SESSION_START_UPTIME_MS)?,
                last_activity: moment(row, LAST_ACTIVITY_MS, LAST_ACTIVITY_BOOT_ID, LAST_ACTIVITY_UPTIME_MS)?,
                foreground_index: required(FOREGROUND_INDEX, index(row, FOREGROUND_INDEX, 0)?)?,
                background_index: required(BACKGROUND_INDEX, index(row, BACKGROUND_INDEX, 0)?)?,
                start_reason: required(START_REASON, reason(row, START_REASON)?)?,
                custom_id: integer(row, CUSTOM_SESSION_ID, MIN_CUSTOM_SESSION_ID..=i64::MAX)?,
                anonymous: flag(row, SESSION_ANONYMOUS)?,
            })
        }
    };
    let app_user_id = text(row, APP_USER_ID)?;
    if app_user_id.is_some_and(|id| id.is_empty() || id.len() > MAX_APP_USER_ID_BYTES) {
        return Err(invalid(APP_USER_ID, "is empty or longer than 255 bytes"));
    }
    Ok(NamespaceState {
        latest,
        ended: flag(row, SESSION_ENDED)?,
        in_background: flag(row, IN_BACKGROUND)?,
        pending: reason(row, PENDING_REASON)?,
        manual: flag(row, MANUAL)?,
        app_user_id: app_user_id.map(str::to_owned),
        end_reason: reason(row, END_REASON)?,
        end_reported: flag(row, END_REPORTED)?,
        new_user: flag(row, NEW_USER)?,
    })
}

/// A stored moment: its wall clock, and its boot clock when it had one.
fn moment(row: &Row<'_>, wall: Column, boot_id: Column, uptime: Column) -> Checked<Moment> {
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

fn invalid(column: Column, problem: &'static str) -> Invalid {
    Invalid {
        column: column.1,
        problem,
    }
}

fn required<T>(column: Column, value: Option<T>) -> Checked<T> {
    value.ok_or(invalid(column, "is missing"))
}

fn integer(row: &Row<'_>, column: Column, range: RangeInclusive<i64>) -> Checked<Option<i64>> {
    match row.get_ref(column.0) {
        Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Integer(value)) if range.contains(&value) => Ok(Some(value)),
        Ok(ValueRef::Integer(_)) => Err(invalid(column, "is out of range")),
        _ => Err(invalid(column, "is not an integer")),
    }
}

fn text<'r>(row: &'r Row<'_>, column: Column) -> Checked<Option<&'r str>> {
    match row.get_ref(column.0) {
        Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Text(bytes)) => std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| invalid(column, "is not UTF-8")),
        _ => Err(invalid(column, "is not text")),
    }
}

/// Rule 14's range; sessionIndex starts at 1, the other indexes at 0.
fn index(row: &Row<'_>, column: Column, min: i64) -> Checked<Option<u32>> {
    Ok(integer(row, column, min..=i64::from(MAX_INDEX))?.map(|value| value as u32))
}

/// The range every caller-supplied time is checked against, so that it formats.
fn time(row: &Row<'_>, column: Column) -> Checked<Option<i64>> {
    integer(row, column, 0..=MAX_TIME_MS)
}

fn flag(row: &Row<'_>, column: Column) -> Checked<bool> {
    required(column, integer(row, column, 0..=1)?).map(|value| value == 1)
}

/// Ids are stored as the engine writes them: lower-case, hyphenated.
fn uuid(row: &Row<'_>, column: Column) -> Checked<Option<String>> {
    match text(row, column)? {
        Some(id) if uuid::Uuid::try_parse(id).map(|u| u.hyphenated().to_string()).as_deref() != Ok(id) => {
            Err(invalid(column, "is not a lower-case UUID"))
        }
        id => Ok(id.map(str::to_owned)),
    }
}

fn reason(row: &Row<'_>, column: Column) -> Checked<Option<NewSessionReason>> {
    text(row, column)?
        .map(|text| NewSessionReason::parse(text).ok_or(invalid(column, "is not a known reason")))
        .transpose()
}

pub fn save(conn: &Connection, namespace: &str, state: &NamespaceState) -> Result<()> {
    let session = state.latest.as_ref();
    let start_boot = session.and_then(|s| s.start.boot.as_ref());
    let last_boot = session.and_then(|s| s.last_activity.boot.as_ref());
    // Parameters by position (`?1`, ...), in COLUMNS' order: binding by
    // name would look each name up.
    let mut statement = conn.prepare_cached(
        "INSERT OR REPLACE INTO namespace_state VALUES (
            ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
            ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
    )?;
    statement.execute(params![
        namespace,
        session.map(|s| &s.id),
        session.and_then(|s| s.previous_id.as_ref()),
        session.map(|s| s.index),
        session.map(|s| s.event_index),
        session.and_then(|s| s.first_event_id.as_ref()),
        session.and_then(|s| s.first_event_ms),
        session.map(|s| s.start.wall_ms),
        session.map(|s| s.last_activity.wall_ms),
        session.map(|s| s.foreground_index),
        session.map(|s| s.background_index),
        session.map(|s| s.start_reason.as_str()),
        session.and_then(|s| s.custom_id),
        state.ended,
        state.in_background,
        state.pending.map(NewSessionReason::as_str),
        state.manual,
        state.app_user_id,
        start_boot.map(|b| &b.boot_id),
        start_boot.map(|b| b.uptime_ms),
        last_boot.map(|b| &b.boot_id),
        last_boot.map(|b| b.uptime_ms),
        session.is_some_and(|s| s.anonymous),
        state.end_reason.map(NewSessionReason::as_str),
        state.end_reported,
        state.new_user,
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 26] = [
        NAMESPACE,
        SESSION_ID,
        PREVIOUS_SESSION_ID,
        SESSION_INDEX,
        EVENT_INDEX,
        FIRST_EVENT_ID,
        FIRST_EVENT_MS,
        SESSION_START_MS,
        LAST_ACTIVITY_MS,
        FOREGROUND_INDEX,
        BACKGROUND_INDEX,
        START_REASON,
        CUSTOM_SESSION_ID,
        SESSION_ENDED,
        IN_BACKGROUND,
        PENDING_REASON,
        MANUAL,
        APP_USER_ID,
        SESSION_START_BOOT_ID,
        SESSION_START_UPTIME_MS,
        LAST_ACTIVITY_BOOT_ID,
        LAST_ACTIVITY_UPTIME_MS,
        SESSION_ANONYMOUS,
        END_REASON,
        END_REPORTED,
        NEW_USER,
    ];

    #[test]
    fn columns_are_the_tables_in_order() {
        let db = super::super::transaction::Database::new(Connection::open_in_memory().unwrap()).unwrap();
        super::super::schema::migrate(&db).unwrap();
        let statement = db.prepare("SELECT * FROM namespace_state").unwrap();
        let ours: Vec<&str> = COLUMNS.iter().map(|column| column.1).collect();
        let names = statement.column_names();
        assert_eq!(names, ours);
        assert!(COLUMNS
            .iter()
            .enumerate()
            .all(|(position, column)| column.0 == position));
    }
}
