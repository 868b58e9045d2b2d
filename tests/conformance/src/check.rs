//! Holding a trace against a scenario: the scenario's own expectations, and
//! for every step whatever the rules say of any output — each entity agrees
//! with its record and validates against the Snowplow schema (rule 12), and
//! each getter agrees with `state` (rule 13).

use crate::labels::Labels;
use crate::model::{Expect, Scenario, StateExpect, Step, SummaryExpect};
use crate::resolve::label_uuid;
use crate::trace;
use serde_json::{json, Value};
use std::fmt;
use std::sync::OnceLock;

/// Where and why a trace fails its scenario (steps count from 1; step 0
/// opens the first tracker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub step: usize,
    pub op: String,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {} `{}`: {}", self.step, self.op, self.message)
    }
}

pub fn check(scenario: &Scenario, trace: &str) -> Result<(), Failure> {
    let fail = |step: usize, op: &str, message: String| Failure {
        step,
        op: op.to_owned(),
        message,
    };
    let lines = trace::parse(trace).map_err(|message| fail(0, "trace", message))?;
    let mut checker = Checker::new(scenario);
    let ops = std::iter::once(("open", None)).chain(scenario.steps.iter().map(|s| (s.op.as_str(), Some(s))));
    for (number, (op, step)) in ops.enumerate() {
        let line = lines.get(number).ok_or_else(|| {
            fail(
                number,
                op,
                format!(
                    "the trace ends after {} of {} steps",
                    lines.len(),
                    scenario.steps.len() + 1
                ),
            )
        })?;
        checker
            .step(number, op, step, line)
            .map_err(|message| fail(number, op, message))?;
    }
    match lines.len() - (scenario.steps.len() + 1) {
        0 => Ok(()),
        extra => Err(fail(lines.len(), "trace", format!("{extra} lines more than steps"))),
    }
}

struct Checker {
    start_ms: i64,
    sessions: Labels,
    users: Labels,
    events: Labels,
}

impl Checker {
    /// Labels of ids that steps pass in stand for the UUIDs `resolve` gave them.
    fn new(scenario: &Scenario) -> Checker {
        let (mut sessions, mut users, mut events) = (Labels::default(), Labels::default(), Labels::default());
        let given = |labels: &mut Labels, label: &str| labels.given(label, &label_uuid(label));
        for step in &scenario.steps {
            step.event_id.iter().for_each(|label| given(&mut events, label));
            if let Some(state) = &step.imported_state {
                given(&mut users, &state.user_id);
                given(&mut sessions, &state.session_id);
                state
                    .previous_session_id
                    .iter()
                    .for_each(|label| given(&mut sessions, label));
                state.first_event_id.iter().for_each(|label| given(&mut events, label));
            }
        }
        Checker {
            start_ms: scenario.start_ms,
            sessions,
            users,
            events,
        }
    }
}

impl Checker {
    fn step(&mut self, number: usize, op: &str, step: Option<&Step>, line: &Value) -> Result<(), String> {
        if line["step"] != json!(number) || line["op"] != json!(op) {
            return Err(format!("the trace line is step {} `{}`", line["step"], line["op"]));
        }
        let error = line.get("error").ok_or("the trace line has no `error`")?;
        match (step.and_then(|s| s.expect_error.as_deref()), error.as_str()) {
            (None, None) if error.is_null() => {}
            (Some(wanted), Some(got)) if wanted == got => {}
            (Some(wanted), None) => return Err(format!("expected a {wanted} error, the call succeeded")),
            (_, Some(got)) if number == 0 => return Err(format!("open failed: {got}")),
            (Some(wanted), Some(got)) => return Err(format!("expected a {wanted} error, got {got}")),
            (None, _) => return Err(format!("unexpected error: {error}")),
        }
        let returned = line.get("returned").ok_or("the trace line has no `returned`")?;
        if returned.is_object() && step.is_some_and(|s| s.op.is_event()) {
            check_entity(returned)?;
        }
        if let Some(expect) = step.and_then(|s| s.expect.as_ref()) {
            self.check_event(expect, returned)?;
        }
        if let Some(ended) = step.and_then(|s| s.ended.as_ref()) {
            self.check_summary("ended", ended.as_ref(), returned)?;
        }
        if let Some(imported) = step.and_then(|s| s.imported) {
            same("imported", Some(Value::from(imported)), returned)?;
        }
        let getters = line.get("getters").ok_or("the trace line has no `getters`")?;
        if let Some(kind) = getters.get("error") {
            return match step.and_then(|s| s.state.as_ref()) {
                Some(_) => Err(format!("the getters failed: {kind}")),
                None => Ok(()),
            };
        }
        let state = field(getters, "state")?;
        for key in [
            "userId",
            "sessionId",
            "sessionIndex",
            "isInBackground",
            "backgroundIndex",
            "foregroundIndex",
        ] {
            if field(getters, key)? != field(state, key)? {
                return Err(format!(
                    "getter {key} is {} but state.{key} is {}",
                    getters[key], state[key]
                ));
            }
        }
        if let Some(expect) = step.and_then(|s| s.state.as_ref()) {
            self.check_state(expect, state).map_err(|e| format!("state: {e}"))?;
        }
        Ok(())
    }

    fn check_event(&mut self, expect: &Expect, event: &Value) -> Result<(), String> {
        if event.is_null() {
            return match expect.entity {
                Some(None) => Ok(()),
                _ => Err("expected an entity, got none".into()),
            };
        }
        if expect.entity == Some(None) {
            return Err(format!("expected no entity, got session {}", event["sessionId"]));
        }
        if let Some(label) = &expect.session {
            self.check_session("session", label.as_deref(), field(event, "sessionId")?)?;
        }
        if let Some(label) = &expect.previous_session {
            self.check_session("previousSession", label.as_deref(), field(event, "previousSessionId")?)?;
        }
        if let Some(label) = &expect.user_id {
            self.check_user(label, field(event, "userId")?)?;
        }
        if let Some(label) = &expect.first_event_id {
            let actual = field(event, "firstEventId")?;
            let actual = actual
                .as_str()
                .ok_or_else(|| format!("firstEventId: expected a string, got {actual}"))?;
            self.events.check("firstEventId", label, actual)?;
        }
        same(
            "sessionIndex",
            expect.session_index.map(Value::from),
            field(event, "sessionIndex")?,
        )?;
        same(
            "eventIndex",
            expect.event_index.map(Value::from),
            field(event, "eventIndex")?,
        )?;
        let first_event_at = field(event, "firstEventTimestampMs")?
            .as_i64()
            .map(|ms| ms - self.start_ms);
        same(
            "firstEventAt",
            expect.first_event_at.map(Value::from),
            &json!(first_event_at),
        )?;
        same(
            "appUserId",
            expect.app_user_id.clone().map(Value::from),
            field(event, "appUserId")?,
        )?;
        same(
            "isNewSession",
            expect.is_new_session.map(Value::from),
            field(event, "isNewSession")?,
        )?;
        same(
            "newSessionReason",
            expect.new_session_reason.clone().map(Value::from),
            field(event, "newSessionReason")?,
        )?;
        same(
            "rudderSessionId",
            expect.rudder_session_id.map(Value::from),
            field(event, "rudderstackSessionId")?,
        )?;
        same(
            "amplitudeSessionId",
            expect.amplitude_session_id.map(Value::from),
            field(event, "amplitudeSessionId")?,
        )?;
        match &expect.ended_session {
            Some(ended) => self.check_summary("endedSession", ended.as_ref(), field(event, "endedSession")?),
            None => Ok(()),
        }
    }

    /// Rule 19: a session's summary, or null.
    fn check_summary(&mut self, what: &str, expect: Option<&SummaryExpect>, actual: &Value) -> Result<(), String> {
        let Some(expect) = expect else {
            return same(what, Some(Value::Null), actual);
        };
        if actual.is_null() {
            return Err(format!("{what}: expected session {}, got null", expect.session));
        }
        let session = field(actual, "sessionId")?;
        self.check_session(&format!("{what}.session"), Some(&expect.session), session)?;
        let after_start = |key: &str| field(actual, key).map(|v| json!(v.as_i64().map(|ms| ms - self.start_ms)));
        same(
            &format!("{what}.sessionIndex"),
            Some(expect.session_index.into()),
            field(actual, "sessionIndex")?,
        )?;
        same(
            &format!("{what}.eventCount"),
            Some(expect.event_count.into()),
            field(actual, "eventCount")?,
        )?;
        same(
            &format!("{what}.startAt"),
            Some(expect.start_at.into()),
            &after_start("startMs")?,
        )?;
        same(
            &format!("{what}.endAt"),
            Some(expect.end_at.into()),
            &after_start("endMs")?,
        )
    }

    fn check_state(&mut self, expect: &StateExpect, state: &Value) -> Result<(), String> {
        if let Some(label) = &expect.session {
            self.check_session("session", label.as_deref(), field(state, "sessionId")?)?;
        }
        if let Some(label) = &expect.previous_session {
            self.check_session("previousSession", label.as_deref(), field(state, "previousSessionId")?)?;
        }
        if let Some(label) = &expect.user_id {
            self.check_user(label, field(state, "userId")?)?;
        }
        same(
            "sessionIndex",
            expect.session_index.map(Value::from),
            field(state, "sessionIndex")?,
        )?;
        same(
            "eventIndex",
            expect.event_index.map(Value::from),
            field(state, "eventIndex")?,
        )?;
        same(
            "isInBackground",
            expect.is_in_background.map(Value::from),
            field(state, "isInBackground")?,
        )?;
        same(
            "foregroundIndex",
            expect.foreground_index.map(Value::from),
            field(state, "foregroundIndex")?,
        )?;
        same(
            "backgroundIndex",
            expect.background_index.map(Value::from),
            field(state, "backgroundIndex")?,
        )?;
        same(
            "appUserId",
            expect.app_user_id.clone().map(Value::from),
            field(state, "appUserId")?,
        )
    }

    fn check_session(&mut self, what: &str, label: Option<&str>, actual: &Value) -> Result<(), String> {
        match (label, actual.as_str()) {
            (None, None) if actual.is_null() => Ok(()),
            (Some(label), Some(actual)) => self.sessions.check(what, label, actual),
            (None, _) => Err(format!("{what}: expected null, got {actual}")),
            (Some(label), None) => Err(format!("{what}: expected {label}, got {actual}")),
        }
    }

    fn check_user(&mut self, label: &str, actual: &Value) -> Result<(), String> {
        let actual = actual
            .as_str()
            .ok_or_else(|| format!("userId: expected a string, got {actual}"))?;
        match (label == "anonymous", actual == sessioncore::NIL_UUID) {
            (true, true) => Ok(()),
            (true, false) => Err(format!("userId: expected anonymous, got {actual}")),
            (false, true) => Err(format!("userId: expected {label}, got the anonymous nil UUID")),
            (false, false) => self.users.check("userId", label, actual),
        }
    }
}

fn field<'a>(object: &'a Value, key: &str) -> Result<&'a Value, String> {
    object
        .get(key)
        .ok_or_else(|| format!("the trace has no `{key}` in {object}"))
}

fn same(what: &str, expected: Option<Value>, actual: &Value) -> Result<(), String> {
    match expected {
        Some(expected) if expected != *actual => Err(format!("{what}: expected {expected}, got {actual}")),
        _ => Ok(()),
    }
}

/// Rule 12: the Snowplow JSON says exactly what the record's fields say, and
/// validates against the `client_session` 1-0-2 schema.
fn check_entity(event: &Value) -> Result<(), String> {
    let text = field(event, "snowplowContextJson")?
        .as_str()
        .ok_or("snowplowContextJson is not a string")?;
    let entity: Value = serde_json::from_str(text).map_err(|e| format!("the entity is not JSON: {e}"))?;
    let first_event_ms = field(event, "firstEventTimestampMs")?
        .as_i64()
        .ok_or("firstEventTimestampMs is not an integer")?;
    let expected = json!({
        "schema": SCHEMA_URI,
        "data": {
            "userId": field(event, "userId")?,
            "sessionId": field(event, "sessionId")?,
            "sessionIndex": field(event, "sessionIndex")?,
            "previousSessionId": field(event, "previousSessionId")?,
            "storageMechanism": "SQLITE",
            "firstEventId": field(event, "firstEventId")?,
            "firstEventTimestamp": sessioncore::format_iso8601(first_event_ms),
            "eventIndex": field(event, "eventIndex")?,
        }
    });
    if entity != expected {
        return Err(format!("the entity JSON {entity} disagrees with the record {expected}"));
    }
    let errors: Vec<String> = schema().iter_errors(&entity["data"]).map(|e| e.to_string()).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the entity {entity} violates client_session 1-0-2: {}",
            errors.join("; ")
        ))
    }
}

const SCHEMA_URI: &str = "iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2";

fn schema() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let mut schema: Value = serde_json::from_str(include_str!("../../schemas/client_session-1-0-2.json"))
            .expect("the schema file is JSON");
        // The iglu meta-schema and `self` block are registry metadata, not
        // validation keywords; the properties are plain JSON Schema.
        let object = schema.as_object_mut().expect("the schema is an object");
        object.remove("$schema");
        object.remove("self");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .expect("the schema compiles")
    })
}
