//! What is stored per namespace. Everything here survives a restart; the
//! per-object settings (pause, anonymity) live in the tracker instead.

/// Rule 14: the schema's maximum for sessionIndex and eventIndex.
pub const MAX_INDEX: u32 = i32::MAX as u32;
/// Rule 10: a custom session id has at least 10 digits.
pub const MIN_CUSTOM_SESSION_ID: i64 = 1_000_000_000;
/// Rule 15: Snowplow's `user_id` column is 255 bytes wide.
pub const MAX_APP_USER_ID_BYTES: usize = 255;

/// Why a session started (rule 3's conditions in order, plus rules 10 and 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NewSessionReason {
    FirstSession,
    SessionEnded,
    Requested,
    Restart,
    AnonymityChanged,
    ClockMovedBackwards,
    ForegroundTimeout,
    BackgroundTimeout,
    MaxDuration,
    EventIndexLimit,
    ManualStart,
}

impl NewSessionReason {
    pub const ALL: [NewSessionReason; 11] = [
        NewSessionReason::FirstSession,
        NewSessionReason::SessionEnded,
        NewSessionReason::Requested,
        NewSessionReason::Restart,
        NewSessionReason::AnonymityChanged,
        NewSessionReason::ClockMovedBackwards,
        NewSessionReason::ForegroundTimeout,
        NewSessionReason::BackgroundTimeout,
        NewSessionReason::MaxDuration,
        NewSessionReason::EventIndexLimit,
        NewSessionReason::ManualStart,
    ];

    /// The stable spelling used in storage, scenarios and printed output.
    pub fn as_str(self) -> &'static str {
        match self {
            NewSessionReason::FirstSession => "firstSession",
            NewSessionReason::SessionEnded => "sessionEnded",
            NewSessionReason::Requested => "requested",
            NewSessionReason::Restart => "restart",
            NewSessionReason::AnonymityChanged => "anonymityChanged",
            NewSessionReason::ClockMovedBackwards => "clockMovedBackwards",
            NewSessionReason::ForegroundTimeout => "foregroundTimeout",
            NewSessionReason::BackgroundTimeout => "backgroundTimeout",
            NewSessionReason::MaxDuration => "maxDuration",
            NewSessionReason::EventIndexLimit => "eventIndexLimit",
            NewSessionReason::ManualStart => "manualStart",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == text)
    }
}

/// The most recent session of a namespace, live or ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub previous_id: Option<String>,
    pub index: u32,
    pub event_index: u32,
    /// Set by the session's first event; a manual session has none until then.
    pub first_event_id: Option<String>,
    pub first_event_ms: Option<i64>,
    pub start_ms: i64,
    pub last_activity_ms: i64,
    pub foreground_index: u32,
    pub background_index: u32,
    pub start_reason: NewSessionReason,
    /// Rule 10: the app's own numeric id of a manual session.
    pub custom_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamespaceState {
    pub latest: Option<Session>,
    /// `endSession()` ended `latest`: getters report no session (rule 10).
    pub ended: bool,
    pub in_background: bool,
    /// A new session starts at the next event (rules 6, 8, 9).
    pub pending: Option<NewSessionReason>,
    pub manual: bool,
    pub app_user_id: Option<String>,
}

impl NamespaceState {
    pub fn active_session(&self) -> Option<&Session> {
        self.latest.as_ref().filter(|_| !self.ended)
    }

    pub fn active_session_mut(&mut self) -> Option<&mut Session> {
        if self.ended {
            None
        } else {
            self.latest.as_mut()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_spellings_round_trip() {
        for reason in NewSessionReason::ALL {
            assert_eq!(NewSessionReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(NewSessionReason::parse("timeout"), None);
    }
}
