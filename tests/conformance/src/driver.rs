//! Rust's driver: runs resolved steps through the public `sessioncore` API
//! and writes the trace — the same small job as every other language's
//! driver, through the same resolved steps and the same trace format.

use crate::model::DurabilityName;
use serde_json::{json, Value};
use sessioncore::{
    BootClockReading, ClockReading, EndedSession, ImportedState, SessionCoreError, SessionEvent, SessionState,
    SessionTracker, TrackerConfig,
};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Runs a resolved scenario (the JSON text of [`crate::resolve`]) on a fresh
/// database file and returns its trace.
pub fn drive(resolved: &str) -> String {
    let resolved: Value = serde_json::from_str(resolved).expect("a resolved scenario is JSON");
    let dir = TempDir::new();
    let mut driver = Driver {
        db: dir.0.join("sessions.db").display().to_string(),
        config: config(&resolved["config"]),
        trackers: Vec::new(),
    };
    let mut trace = String::new();
    for (number, step) in resolved["steps"].as_array().into_iter().flatten().enumerate() {
        let (returned, error) = match driver.call(step) {
            Ok(returned) => (returned, Value::Null),
            Err(e) => (Value::Null, json!(e.kind())),
        };
        let namespace = step["namespace"].as_str().unwrap_or_default();
        let getters = driver.getters(namespace).unwrap_or_else(|e| json!({"error": e.kind()}));
        let line = json!({"step": number, "op": step["op"], "returned": returned, "error": error, "getters": getters});
        trace.push_str(&line.to_string());
        trace.push('\n');
    }
    trace
}

struct Driver {
    db: String,
    config: TrackerConfig,
    /// In order of first use, as `restart` reopens them.
    trackers: Vec<(String, Arc<SessionTracker>)>,
}

type Outcome = Result<Value, SessionCoreError>;

impl Driver {
    fn tracker(&mut self, namespace: &str) -> Result<Arc<SessionTracker>, SessionCoreError> {
        if let Some((_, tracker)) = self.trackers.iter().find(|(ns, _)| ns == namespace) {
            return Ok(tracker.clone());
        }
        let tracker = SessionTracker::open(self.db.clone(), namespace.to_owned(), self.config.clone())?;
        self.trackers.push((namespace.to_owned(), tracker.clone()));
        Ok(tracker)
    }

    /// Closes every tracker, then reopens each with `next`, or with the
    /// configuration in effect when `next` is refused.
    fn restart(&mut self, next: TrackerConfig) -> Outcome {
        for (_, tracker) in &self.trackers {
            tracker.close_storage()?;
        }
        let mut outcome = Ok(Value::Null);
        for (namespace, tracker) in &mut self.trackers {
            *tracker = match SessionTracker::open(self.db.clone(), namespace.clone(), next.clone()) {
                Ok(reopened) => reopened,
                Err(e) => {
                    outcome = Err(e);
                    SessionTracker::open(self.db.clone(), namespace.clone(), self.config.clone())?
                }
            };
        }
        if outcome.is_ok() {
            self.config = next;
        }
        outcome
    }

    fn call(&mut self, step: &Value) -> Outcome {
        let op = step["op"].as_str().unwrap_or_default();
        if op == "restart" {
            return self.restart(config(&step["config"]));
        }
        let tracker = self.tracker(step["namespace"].as_str().unwrap_or_default())?;
        let at = clock_reading(&step["at"]);
        let event_id = step["eventId"].as_str().map(str::to_owned);
        let done = |result: Result<(), SessionCoreError>| result.map(|()| Value::Null);
        match op {
            "track" => tracker.track(event_id, at).map(event_json),
            "background" => tracker.background(event_id, at).map(event_json),
            "foreground" => tracker.foreground(event_id, at).map(event_json),
            "launch" => done(tracker.launch(step["inBackground"].as_bool().unwrap_or_default())),
            "startNewSession" => done(tracker.start_new_session()),
            "pause" => done(tracker.pause()),
            "resume" => done(tracker.resume()),
            "setAnonymous" => done(tracker.set_anonymous(step["value"].as_bool().unwrap_or_default())),
            "setAppUserId" => done(tracker.set_app_user_id(step["value"].as_str().map(str::to_owned))),
            "startManualSession" => tracker
                .start_manual_session(step["customId"].as_i64(), at)
                .map(ended_json),
            "endSession" => tracker.end_session().map(ended_json),
            "expireIfIdle" => tracker.expire_if_idle(at).map(ended_json),
            "reset" => tracker
                .reset(step["newUserId"].as_bool().unwrap_or_default())
                .map(ended_json),
            "importState" => tracker
                .import_state(imported_state(&step["importedState"]))
                .map(Value::from),
            "seedIndexes" => done(tracker.set_indexes_for_testing(
                step["sessionIndex"].as_i64().unwrap_or_default(),
                step["eventIndex"].as_i64().unwrap_or_default(),
            )),
            "open" | "check" => Ok(Value::Null),
            other => panic!("resolve never writes op `{other}`"),
        }
    }

    fn getters(&mut self, namespace: &str) -> Outcome {
        let tracker = self.tracker(namespace)?;
        Ok(json!({
            "userId": tracker.user_id()?,
            "sessionId": tracker.session_id()?,
            "sessionIndex": tracker.session_index()?,
            "isInBackground": tracker.is_in_background()?,
            "backgroundIndex": tracker.background_index()?,
            "foregroundIndex": tracker.foreground_index()?,
            "state": state_json(tracker.state()?),
        }))
    }
}

fn clock_reading(json: &Value) -> Option<ClockReading> {
    let wall_ms = json["wallMs"].as_i64()?;
    let boot = json["boot"].as_object().map(|boot| BootClockReading {
        boot_id: boot["bootId"].as_str().unwrap_or_default().to_owned(),
        uptime_ms: boot["uptimeMs"].as_i64().unwrap_or_default(),
    });
    Some(ClockReading { wall_ms, boot })
}

fn config(json: &Value) -> TrackerConfig {
    serde_json::from_value::<ConfigJson>(json.clone())
        .expect("resolve writes whole configurations")
        .into()
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigJson {
    foreground_timeout_ms: i64,
    background_timeout_ms: i64,
    continue_session_on_restart: bool,
    max_session_duration_ms: Option<i64>,
    anonymous: bool,
    background_events_start_sessions: bool,
    durability: Option<DurabilityName>,
}

impl From<ConfigJson> for TrackerConfig {
    fn from(c: ConfigJson) -> Self {
        TrackerConfig {
            foreground_timeout_ms: c.foreground_timeout_ms,
            background_timeout_ms: c.background_timeout_ms,
            continue_session_on_restart: c.continue_session_on_restart,
            max_session_duration_ms: c.max_session_duration_ms,
            anonymous: c.anonymous,
            background_events_start_sessions: c.background_events_start_sessions,
            durability: c.durability.map(DurabilityName::durability),
        }
    }
}

// Destructured without `..`, so that a new field cannot be left out.
fn event_json(event: Option<SessionEvent>) -> Value {
    let Some(SessionEvent {
        event_id,
        is_new_session,
        new_session_reason,
        user_id,
        session_id,
        previous_session_id,
        session_index,
        event_index,
        first_event_id,
        first_event_timestamp_ms,
        session_start_ms,
        app_user_id,
        rudderstack_session_id,
        amplitude_session_id,
        snowplow_context_json,
        ended_session,
    }) = event
    else {
        return Value::Null;
    };
    json!({
        "eventId": event_id, "isNewSession": is_new_session,
        "newSessionReason": new_session_reason.map(|r| r.as_str()), "userId": user_id,
        "sessionId": session_id, "previousSessionId": previous_session_id, "sessionIndex": session_index,
        "eventIndex": event_index, "firstEventId": first_event_id,
        "firstEventTimestampMs": first_event_timestamp_ms, "sessionStartMs": session_start_ms,
        "appUserId": app_user_id, "rudderstackSessionId": rudderstack_session_id,
        "amplitudeSessionId": amplitude_session_id, "snowplowContextJson": snowplow_context_json,
        "endedSession": ended_json(ended_session),
    })
}

fn ended_json(ended: Option<EndedSession>) -> Value {
    let Some(EndedSession {
        session_id,
        session_index,
        event_count,
        start_ms,
        end_ms,
    }) = ended
    else {
        return Value::Null;
    };
    json!({
        "sessionId": session_id, "sessionIndex": session_index, "eventCount": event_count,
        "startMs": start_ms, "endMs": end_ms,
    })
}

fn imported_state(json: &Value) -> ImportedState {
    let text = |key: &str| json[key].as_str().map(str::to_owned);
    ImportedState {
        user_id: text("userId").unwrap_or_default(),
        session_id: text("sessionId").unwrap_or_default(),
        session_index: json["sessionIndex"].as_i64().unwrap_or_default(),
        previous_session_id: text("previousSessionId"),
        event_index: json["eventIndex"].as_i64().unwrap_or_default(),
        last_activity_ms: json["lastActivityMs"].as_i64().unwrap_or_default(),
        first_event_id: text("firstEventId"),
        first_event_ms: json["firstEventMs"].as_i64(),
    }
}

fn state_json(state: SessionState) -> Value {
    let SessionState {
        user_id,
        session_id,
        previous_session_id,
        session_index,
        event_index,
        first_event_id,
        first_event_timestamp_ms,
        session_start_ms,
        is_in_background,
        foreground_index,
        background_index,
        is_paused,
        is_manual,
        is_new_session_pending,
        app_user_id,
    } = state;
    json!({
        "userId": user_id, "sessionId": session_id, "previousSessionId": previous_session_id,
        "sessionIndex": session_index, "eventIndex": event_index, "firstEventId": first_event_id,
        "firstEventTimestampMs": first_event_timestamp_ms, "sessionStartMs": session_start_ms,
        "isInBackground": is_in_background, "foregroundIndex": foreground_index,
        "backgroundIndex": background_index, "isPaused": is_paused, "isManual": is_manual,
        "isNewSessionPending": is_new_session_pending, "appUserId": app_user_id,
    })
}

/// A private directory per replay, removed afterwards.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!("sessioncore-scenario-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return TempDir(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("cannot create {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
