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
        ("rudderstack", event.map_or(Value::Null, rudderstack_context)),
        ("atomic", event.map_or(Value::Null, atomic_fields)),
    ]
}

/// RudderStack's session context (rule 12 b).
fn rudderstack_context(event: &SessionEvent) -> Value {
    json!({ "sessionId": event.rudderstack_session_id, "sessionStart": event.is_new_session })
}

/// Snowplow's atomic identifier fields (rule 15); `user_id` only when set.
fn atomic_fields(event: &SessionEvent) -> Value {
    let mut fields = serde_json::Map::new();
    if let Some(app_user_id) = &event.app_user_id {
        fields.insert("user_id".into(), app_user_id.clone().into());
    }
    fields.insert("domain_userid".into(), event.user_id.clone().into());
    fields.insert("domain_sessionid".into(), event.session_id.clone().into());
    fields.insert("domain_sessionidx".into(), event.session_index.into());
    Value::Object(fields)
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
