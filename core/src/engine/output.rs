//! Rule 12, 13 and 15: what an event and the getters report. Anonymity is
//! applied here, on the way out, so the stored values never change (rule 9).

use super::decimal::push_decimal;
use super::ids::NIL_UUID;
use super::rules::EventContext;
use super::state::{NamespaceState, NewSessionReason, Session, SessionSummary};
use super::time::push_iso8601;
use std::fmt::Write;

pub const SNOWPLOW_SCHEMA: &str = "iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2";

/// The session entity of one event, as emitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventOutput {
    pub event_id: String,
    pub user_id: String,
    pub session_id: String,
    pub previous_session_id: Option<String>,
    pub session_index: u32,
    pub event_index: u32,
    pub first_event_id: String,
    pub first_event_ms: i64,
    pub session_start_ms: i64,
    pub new_session_reason: Option<NewSessionReason>,
    pub app_user_id: Option<String>,
    pub custom_session_id: Option<i64>,
    /// Rule 19: the session this event's new session replaced, unless reported.
    pub ended_session: Option<SessionSummary>,
}

impl EventOutput {
    pub(super) fn new(state: &NamespaceState, ctx: &EventContext<'_>, event_id: &str) -> Self {
        let session = state.latest.as_ref().expect("called for a counted event");
        let anonymous = ctx.settings.anonymous;
        EventOutput {
            event_id: event_id.to_owned(),
            user_id: if anonymous { NIL_UUID } else { ctx.user_id }.to_owned(),
            session_id: session.id.clone(),
            previous_session_id: session.previous_id.clone().filter(|_| !anonymous),
            session_index: session.index,
            event_index: session.event_index,
            first_event_id: session.first_event_id.clone().expect("set by the first event"),
            first_event_ms: session.first_event_ms.expect("set by the first event"),
            session_start_ms: session.start.wall_ms,
            new_session_reason: (session.event_index == 1).then_some(session.start_reason),
            app_user_id: state.app_user_id.clone().filter(|_| !anonymous),
            custom_session_id: session.custom_id,
            ended_session: None,
        }
    }

    pub fn is_new_session(&self) -> bool {
        self.event_index == 1
    }

    /// (a) The Snowplow `client_session` 1-0-2 self-describing JSON, written
    /// directly: a fixed shape of ids, numbers and one timestamp needs no
    /// JSON library in the shipped binary.
    pub fn snowplow_entity(&self) -> String {
        let mut json = String::with_capacity(360);
        json.push_str("{\"schema\":\"");
        json.push_str(SNOWPLOW_SCHEMA);
        json.push_str("\",\"data\":{\"userId\":");
        push_string(&mut json, &self.user_id);
        json.push_str(",\"sessionId\":");
        push_string(&mut json, &self.session_id);
        json.push_str(",\"sessionIndex\":");
        push_decimal(&mut json, self.session_index.into(), 1);
        json.push_str(",\"previousSessionId\":");
        match &self.previous_session_id {
            Some(id) => push_string(&mut json, id),
            None => json.push_str("null"),
        }
        json.push_str(",\"storageMechanism\":\"SQLITE\",\"firstEventId\":");
        push_string(&mut json, &self.first_event_id);
        json.push_str(",\"firstEventTimestamp\":");
        // A timestamp needs no escaping.
        json.push('"');
        push_iso8601(&mut json, self.first_event_ms);
        json.push_str("\",\"eventIndex\":");
        push_decimal(&mut json, self.event_index.into(), 1);
        json.push_str("}}");
        json
    }

    /// (b) RudderStack's session id: the manual custom id, else seconds.
    pub fn rudderstack_session_id(&self) -> i64 {
        self.custom_session_id.unwrap_or(self.session_start_ms.div_euclid(1000))
    }

    /// (c) Amplitude's `session_id`: the session start in milliseconds.
    pub fn amplitude_session_id(&self) -> i64 {
        self.session_start_ms
    }
}

/// A JSON string literal. The values are ids the engine checked, but a
/// stored value is escaped all the same rather than trusted.
fn push_string(json: &mut String, value: &str) {
    json.push('"');
    if value.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        for c in value.chars() {
            match c {
                '"' => json.push_str("\\\""),
                '\\' => json.push_str("\\\\"),
                c if u32::from(c) < 0x20 => {
                    let _ = write!(json, "\\u{:04x}", u32::from(c));
                }
                c => json.push(c),
            }
        }
    } else {
        // Every id the engine writes: nothing to escape.
        json.push_str(value);
    }
    json.push('"');
}

/// Rule 13: the getters' view of a namespace. It borrows the state, so that
/// a getter copies out only the value it returns.
#[derive(Debug, Clone, Copy)]
pub struct StateView<'a> {
    state: &'a NamespaceState,
    user_id: &'a str,
    anonymous: bool,
    paused: bool,
}

impl<'a> StateView<'a> {
    pub fn new(state: &'a NamespaceState, user_id: &'a str, anonymous: bool, paused: bool) -> Self {
        StateView {
            state,
            user_id,
            anonymous,
            paused,
        }
    }

    fn session(&self) -> Option<&'a Session> {
        self.state.active_session()
    }

    pub fn user_id(&self) -> &'a str {
        if self.anonymous {
            NIL_UUID
        } else {
            self.user_id
        }
    }

    pub fn session_id(&self) -> Option<&'a str> {
        self.session().map(|s| s.id.as_str())
    }

    pub fn previous_session_id(&self) -> Option<&'a str> {
        self.session()
            .and_then(|s| s.previous_id.as_deref())
            .filter(|_| !self.anonymous)
    }

    pub fn session_index(&self) -> Option<u32> {
        self.session().map(|s| s.index)
    }

    pub fn event_index(&self) -> Option<u32> {
        self.session().map(|s| s.event_index)
    }

    pub fn first_event_id(&self) -> Option<&'a str> {
        self.session().and_then(|s| s.first_event_id.as_deref())
    }

    pub fn first_event_ms(&self) -> Option<i64> {
        self.session().and_then(|s| s.first_event_ms)
    }

    pub fn session_start_ms(&self) -> Option<i64> {
        self.session().map(|s| s.start.wall_ms)
    }

    pub fn is_in_background(&self) -> bool {
        self.state.in_background
    }

    pub fn foreground_index(&self) -> u32 {
        self.session().map_or(0, |s| s.foreground_index)
    }

    pub fn background_index(&self) -> u32 {
        self.session().map_or(0, |s| s.background_index)
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    pub fn is_manual(&self) -> bool {
        self.state.manual
    }

    /// Rule 9: a session of the other mode is replaced at the next event.
    pub fn is_new_session_pending(&self) -> bool {
        self.state.pending.is_some() || self.session().is_some_and(|s| s.anonymous != self.anonymous)
    }

    pub fn app_user_id(&self) -> Option<&'a str> {
        self.state.app_user_id.as_deref().filter(|_| !self.anonymous)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entity_is_the_schemas_json() {
        let output = EventOutput {
            event_id: "e".into(),
            user_id: "u\"\\\n".into(),
            session_id: "s".into(),
            previous_session_id: None,
            session_index: 3,
            event_index: 7,
            first_event_id: "f".into(),
            first_event_ms: 1_700_000_000_007,
            session_start_ms: 0,
            new_session_reason: None,
            app_user_id: None,
            custom_session_id: None,
            ended_session: None,
        };
        assert_eq!(
            output.snowplow_entity(),
            format!(
                "{{\"schema\":\"{SNOWPLOW_SCHEMA}\",\"data\":{{\"userId\":\"u\\\"\\\\\\u000a\",\"sessionId\":\"s\",\"sessionIndex\":3,\
                 \"previousSessionId\":null,\"storageMechanism\":\"SQLITE\",\"firstEventId\":\"f\",\
                 \"firstEventTimestamp\":\"2023-11-14T22:13:20.007Z\",\"eventIndex\":7}}}}"
            )
        );
        let with_previous = EventOutput {
            previous_session_id: Some("p".into()),
            ..output
        };
        assert!(with_previous
            .snowplow_entity()
            .contains(",\"previousSessionId\":\"p\","));
    }
}
