//! Rule 21: another tracker's stored session, checked and taken over.

use super::ids::normalize_uuid;
use super::state::{NamespaceState, NewSessionReason, Session, MAX_INDEX};
use super::time::{validate_time, Moment};
use crate::error::{Error, Result};

/// Another tracker's state as an importer read it, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedState {
    pub user_id: String,
    pub session_id: String,
    pub session_index: i64,
    pub previous_session_id: Option<String>,
    pub event_index: i64,
    pub last_activity_ms: i64,
    pub first_event_id: Option<String>,
    pub first_event_ms: Option<i64>,
}

/// What an import takes over: the install's user id and the namespace's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub user_id: String,
    session: Session,
}

impl ImportedState {
    /// Checks every value and turns them into the session to take over;
    /// `InvalidArgument` names the first unusable field.
    pub fn validate(self, anonymous: bool) -> Result<Import> {
        let index = |field: &str, value: i64| {
            u32::try_from(value)
                .ok()
                .filter(|v| (1..=MAX_INDEX).contains(v))
                .ok_or_else(|| Error::invalid_argument(field, format!("{value} is outside 1..={MAX_INDEX}")))
        };
        let first_event = match (self.first_event_id, self.first_event_ms) {
            (Some(id), Some(ms)) => Some((
                normalize_uuid("state.firstEventId", &id)?,
                validate_time("state.firstEventMs", ms)?,
            )),
            (None, None) => None,
            _ => {
                return Err(Error::invalid_argument(
                    "state.firstEventId",
                    "firstEventId and firstEventMs come together",
                ))
            }
        };
        let last_activity_ms = validate_time("state.lastActivityMs", self.last_activity_ms)?;
        let start_ms = first_event.as_ref().map_or(last_activity_ms, |(_, ms)| *ms);
        Ok(Import {
            user_id: normalize_uuid("state.userId", &self.user_id)?,
            session: Session {
                id: normalize_uuid("state.sessionId", &self.session_id)?,
                previous_id: self
                    .previous_session_id
                    .map(|id| normalize_uuid("state.previousSessionId", &id))
                    .transpose()?,
                index: index("state.sessionIndex", self.session_index)?,
                event_index: index("state.eventIndex", self.event_index)?,
                first_event_ms: first_event.as_ref().map(|(_, ms)| *ms),
                first_event_id: first_event.map(|(id, _)| id),
                start: Moment::wall(start_ms),
                last_activity: Moment::wall(last_activity_ms),
                foreground_index: 0,
                background_index: 0,
                start_reason: NewSessionReason::FirstSession,
                custom_id: None,
                anonymous,
            },
        })
    }
}

impl NamespaceState {
    /// Takes over an imported session when this namespace has none yet; the
    /// caller has checked the install's user id (rule 21).
    pub fn import(&mut self, import: &Import) -> bool {
        if self.latest.is_some() {
            return false;
        }
        self.latest = Some(import.session.clone());
        true
    }
}
