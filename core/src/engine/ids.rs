//! Identifiers (rule 1): lower-case UUIDs, generated or checked.

use crate::error::{Error, Result};
use uuid::Uuid;

/// The user id emitted in anonymous mode (rule 9).
pub const NIL_UUID: &str = "00000000-0000-0000-0000-000000000000";

pub fn new_uuid() -> String {
    Uuid::new_v4().to_string()
}

/// An event id must be a UUID because it becomes the schema's `firstEventId`
/// (format uuid); it is stored lower-case. None means "generate one".
pub fn normalize_event_id(event_id: Option<&str>) -> Result<String> {
    event_id.map_or_else(|| Ok(new_uuid()), |raw| normalize_uuid("eventId", raw))
}

/// Any UUID, lower-cased; `InvalidArgument` naming `argument` otherwise.
pub fn normalize_uuid(argument: &str, raw: &str) -> Result<String> {
    Uuid::try_parse(raw)
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| Error::invalid_argument(argument, format!("`{raw}` is not a UUID")))
}
