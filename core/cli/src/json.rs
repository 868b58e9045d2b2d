//! The JSON shapes the tool prints for an event and a state.

use serde_json::{json, Value};
use sessioncore::{SessionEvent, SessionState};

/// `entity`, `rudderstack` and `atomic` of one step (null when no entity).
pub fn event_outputs(event: Option<&SessionEvent>) -> [(&'static str, Value); 3] {
    let entity = event.map_or(Value::Null, |e| {
        serde_json::from_str(&e.snowplow_context_json).expect("the engine writes valid JSON")
    });
    [
        ("entity", entity),
        (
            "rudderstack",
            event.map_or(Value::Null, SessionEvent::rudderstack_context),
        ),
        ("atomic", event.map_or(Value::Null, SessionEvent::atomic_fields)),
    ]
}

pub fn state(state: &SessionState) -> Value {
    json!({
        "userId": state.user_id,
        "sessionId": state.session_id,
        "previousSessionId": state.previous_session_id,
        "sessionIndex": state.session_index,
        "eventIndex": state.event_index,
        "firstEventId": state.first_event_id,
        "firstEventTimestampMs": state.first_event_timestamp_ms,
        "sessionStartMs": state.session_start_ms,
        "isInBackground": state.is_in_background,
        "foregroundIndex": state.foreground_index,
        "backgroundIndex": state.background_index,
        "isPaused": state.is_paused,
        "isManual": state.is_manual,
        "isNewSessionPending": state.is_new_session_pending,
        "appUserId": state.app_user_id,
    })
}
