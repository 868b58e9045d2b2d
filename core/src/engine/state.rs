//! What is stored per namespace. Everything here survives a restart; the
//! per-object settings (pause, anonymity) live in the tracker instead.

use super::time::Moment;

/// Rule 14: the schema's maximum for sessionIndex and eventIndex.
pub const MAX_INDEX: u32 = i32::MAX as u32;
/// Rule 10: a custom session id has at least 10 digits.
pub const MIN_CUSTOM_SESSION_ID: i64 = 1_000_000_000;
/// Rule 15: Snowplow's `user_id` column is 255 bytes wide.
pub const MAX_APP_USER_ID_BYTES: usize = 255;

/// Why a session started (rule 3's conditions in order, then rules 10, 14, 20).
// The bindings carry the docs of the `#[uniffi::remote(Enum)]` copy of this
// declaration in `api.rs` (uniffi reads that one); keep both the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NewSessionReason {
    /// The namespace had no session yet, or its stored state had to be reset
    /// (rules 3 (a), 17).
    FirstSession,
    /// The previous session was ended by `endSession` (rules 3 (a), 10).
    SessionEnded,
    /// The app called `startNewSession` (rule 8).
    Requested,
    /// Reopened with `continueSessionOnRestart` false (rule 6).
    Restart,
    /// The session was recorded in the other anonymity mode than the tracker's (rule 9).
    AnonymityChanged,
    /// The wall clock went back behind the last activity, across a reboot or
    /// without a boot clock (rule 3 (c)).
    ClockMovedBackwards,
    /// Inactive longer than `foregroundTimeoutMs` while in the foreground (rule 3 (d)).
    ForegroundTimeout,
    /// Inactive longer than `backgroundTimeoutMs` while in the background (rule 3 (d)).
    BackgroundTimeout,
    /// The session lasted longer than `maxSessionDurationMs` (rule 3 (e)).
    MaxDuration,
    /// The event would have taken `eventIndex` past 2147483647 (rule 14).
    EventIndexLimit,
    /// The app called `startManualSession` (rule 10).
    ManualStart,
    /// The app called `reset` (rule 20).
    Reset,
}

impl NewSessionReason {
    /// Every reason, in rule 3's order of checking and then the others.
    pub const ALL: [NewSessionReason; 12] = [
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
        NewSessionReason::Reset,
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
            NewSessionReason::Reset => "reset",
        }
    }

    /// The reason `as_str` spells `text`; none for any other text.
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
    pub start: Moment,
    /// The last event's moment while checking was on (rules 4, 7, 18).
    pub last_activity: Moment,
    pub foreground_index: u32,
    pub background_index: u32,
    pub start_reason: NewSessionReason,
    /// Rule 10: the app's own numeric id of a manual session.
    pub custom_id: Option<i64>,
    /// Rule 9: the anonymity mode the session's events were recorded in.
    pub anonymous: bool,
}

/// Rule 19: what an app reports as the end of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    pub id: String,
    pub index: u32,
    pub event_count: u32,
    /// The first event's time (the session's start when it had none).
    pub start_ms: i64,
    /// The last activity's time.
    pub end_ms: i64,
}

impl Session {
    pub fn summary(&self) -> SessionSummary {
        SessionSummary {
            id: self.id.clone(),
            index: self.index,
            event_count: self.event_index,
            start_ms: self.first_event_ms.unwrap_or(self.start.wall_ms),
            end_ms: self.last_activity.wall_ms,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamespaceState {
    pub latest: Option<Session>,
    /// `latest` has ended (rules 10, 19, 20): getters report no session.
    pub ended: bool,
    /// Why `latest` ended when that should be the next session's reason
    /// (an expiry, a reset); none for `endSession()`.
    pub end_reason: Option<NewSessionReason>,
    /// `latest`'s end was reported (rule 19): no call reports it again.
    pub end_reported: bool,
    /// The next session starts a new user's sessions: index 1, no previous (rule 20).
    pub new_user: bool,
    pub in_background: bool,
    /// A new session starts at the next event (rules 6, 8).
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
