//! Replays one scenario through the public API, on a fresh database file.

use super::labels::Labels;
use super::model::{ConfigPatch, Expect, Op, Scenario, StateExpect, Step};
use sessioncore::{SessionCoreError, SessionEvent, SessionState, SessionTracker, TrackerConfig, NIL_UUID};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What one step returned, for `replay --print`.
pub struct StepRecord {
    pub step: usize,
    pub op: Op,
    pub event: Option<SessionEvent>,
}

/// Where and why a scenario failed (steps are numbered from 1).
#[derive(Debug)]
pub struct Failure {
    pub step: usize,
    pub message: String,
}

/// Checks every entity beyond the scenario's own expectations (the Rust tests
/// pass a JSON-schema validator here).
pub type EntityCheck<'a> = &'a dyn Fn(&serde_json::Value) -> Result<(), String>;

pub fn run(scenario: &Scenario, check_entity: EntityCheck<'_>) -> Result<Vec<StepRecord>, Failure> {
    let dir = TempDir::new().map_err(|message| Failure { step: 0, message })?;
    let mut replay = Replay {
        db: dir.path.join("sessions.db"),
        config: ConfigPatch::default().apply(&TrackerConfig::default()),
        trackers: Vec::new(),
        sessions: Labels::default(),
        users: Labels::default(),
        events: Labels::default(),
        start_ms: scenario.start_ms,
    };
    replay.config = scenario.config.apply(&replay.config);
    replay.tracker("default").map_err(|e| Failure {
        step: 0,
        message: format!("open failed: {e}"),
    })?;
    let mut records = Vec::with_capacity(scenario.steps.len());
    for (index, step) in scenario.steps.iter().enumerate() {
        let event = replay.step(step, check_entity).map_err(|message| Failure {
            step: index + 1,
            message,
        })?;
        records.push(StepRecord {
            step: index + 1,
            op: step.op,
            event,
        });
    }
    Ok(records)
}

struct Replay {
    db: PathBuf,
    config: TrackerConfig,
    /// Open trackers in order of first use, as `restart` reopens them.
    trackers: Vec<(String, Arc<SessionTracker>)>,
    sessions: Labels,
    users: Labels,
    events: Labels,
    start_ms: i64,
}

impl Replay {
    fn tracker(&mut self, namespace: &str) -> Result<Arc<SessionTracker>, SessionCoreError> {
        if let Some((_, tracker)) = self.trackers.iter().find(|(ns, _)| ns == namespace) {
            return Ok(tracker.clone());
        }
        let tracker = self.open(namespace, &self.config)?;
        self.trackers.push((namespace.to_owned(), tracker.clone()));
        Ok(tracker)
    }

    fn open(&self, namespace: &str, config: &TrackerConfig) -> Result<Arc<SessionTracker>, SessionCoreError> {
        SessionTracker::open(self.db.display().to_string(), namespace.to_owned(), config.clone())
    }

    fn restart(&mut self, patch: Option<&ConfigPatch>) -> Result<(), SessionCoreError> {
        let config = patch.map_or_else(|| self.config.clone(), |p| p.apply(&self.config));
        for (_, tracker) in &self.trackers {
            tracker.close_storage()?;
        }
        let mut reopened = Vec::with_capacity(self.trackers.len());
        let mut outcome = Ok(());
        for (namespace, _) in &self.trackers {
            match self.open(namespace, &config).or_else(|e| {
                outcome = Err(e);
                self.open(namespace, &self.config)
            }) {
                Ok(tracker) => reopened.push((namespace.clone(), tracker)),
                Err(e) => return Err(e),
            }
        }
        self.trackers = reopened;
        if outcome.is_ok() {
            self.config = config;
        }
        outcome
    }

    fn step(&mut self, step: &Step, check_entity: EntityCheck<'_>) -> Result<Option<SessionEvent>, String> {
        let outcome = self.call(step);
        let event = match (outcome, &step.expect_error) {
            (Ok(event), None) => event,
            (Ok(_), Some(kind)) => return Err(format!("expected a {kind} error, the call succeeded")),
            (Err(e), Some(kind)) if e.kind() == kind => None,
            (Err(e), _) => return Err(format!("unexpected error: {} ({e})", e.kind())),
        };
        if let Some(event) = &event {
            check_consistency(event)?;
            let entity: serde_json::Value =
                serde_json::from_str(&event.snowplow_context_json).map_err(|e| e.to_string())?;
            check_entity(&entity)?;
        }
        if let Some(expect) = &step.expect {
            self.check_event(expect, event.as_ref())?;
        }
        if let Some(expect) = &step.state {
            let state = self
                .tracker(step.namespace())
                .and_then(|t| t.state())
                .map_err(|e| e.to_string())?;
            self.check_state(expect, &state)?;
        }
        Ok(event)
    }

    fn call(&mut self, step: &Step) -> Result<Option<SessionEvent>, SessionCoreError> {
        if step.op == Op::Restart {
            return self.restart(step.config.as_ref()).map(|()| None);
        }
        let tracker = self.tracker(step.namespace())?;
        let now = step.at.map(|at| self.start_ms + at).unwrap_or_default();
        let event_id = step.event_id.as_ref().map(|label| self.events.id_for(label, new_uuid));
        let done = |result: Result<(), SessionCoreError>| result.map(|()| None);
        match step.op {
            Op::Track => tracker.track(now, event_id),
            Op::Background => tracker.background(now, event_id),
            Op::Foreground => tracker.foreground(now, event_id),
            Op::StartNewSession => done(tracker.start_new_session()),
            Op::Pause => done(tracker.pause()),
            Op::Resume => done(tracker.resume()),
            Op::SetAnonymous => {
                let value = matches!(step.value, Some(Some(serde_json::Value::Bool(true))));
                done(tracker.set_anonymous(value))
            }
            Op::SetAppUserId => {
                let value = step.value.clone().flatten().and_then(|v| v.as_str().map(str::to_owned));
                done(tracker.set_app_user_id(value))
            }
            Op::StartManualSession => done(tracker.start_manual_session(now, step.custom_id)),
            Op::EndSession => done(tracker.end_session()),
            Op::Check => Ok(None),
            Op::SeedIndexes => done(tracker.set_indexes_for_testing(
                step.session_index.unwrap_or_default(),
                step.event_index.unwrap_or_default(),
            )),
            Op::Restart => unreachable!("handled above"),
        }
    }

    fn check_event(&mut self, expect: &Expect, event: Option<&SessionEvent>) -> Result<(), String> {
        let Some(event) = event else {
            return match expect.entity {
                Some(None) => Ok(()),
                _ => Err("expected an entity, got none".into()),
            };
        };
        if expect.entity == Some(None) {
            return Err(format!("expected no entity, got session {}", event.session_id));
        }
        if let Some(label) = &expect.session {
            self.check_session("session", label.as_deref(), Some(&event.session_id))?;
        }
        if let Some(label) = &expect.previous_session {
            self.check_session(
                "previousSession",
                label.as_deref(),
                event.previous_session_id.as_deref(),
            )?;
        }
        if let Some(label) = &expect.user_id {
            check_user(&mut self.users, label, &event.user_id)?;
        }
        if let Some(label) = &expect.first_event_id {
            self.events.check("firstEventId", label, &event.first_event_id)?;
        }
        same("sessionIndex", expect.session_index, i64::from(event.session_index))?;
        same("eventIndex", expect.event_index, i64::from(event.event_index))?;
        same(
            "firstEventAt",
            expect.first_event_at,
            event.first_event_timestamp_ms - self.start_ms,
        )?;
        same("appUserId", expect.app_user_id.clone(), event.app_user_id.clone())?;
        same("isNewSession", expect.is_new_session, event.is_new_session)?;
        let reason = event.new_session_reason.map(|r| r.as_str().to_owned());
        same("newSessionReason", expect.new_session_reason.clone(), reason)?;
        same(
            "rudderSessionId",
            expect.rudder_session_id,
            event.rudderstack_session_id,
        )?;
        same(
            "amplitudeSessionId",
            expect.amplitude_session_id,
            event.amplitude_session_id,
        )
    }

    fn check_state(&mut self, expect: &StateExpect, state: &SessionState) -> Result<(), String> {
        let context = |e: String| format!("state: {e}");
        if let Some(label) = &expect.session {
            self.check_session("session", label.as_deref(), state.session_id.as_deref())
                .map_err(context)?;
        }
        if let Some(label) = &expect.previous_session {
            self.check_session(
                "previousSession",
                label.as_deref(),
                state.previous_session_id.as_deref(),
            )
            .map_err(context)?;
        }
        if let Some(label) = &expect.user_id {
            check_user(&mut self.users, label, &state.user_id).map_err(context)?;
        }
        same("sessionIndex", expect.session_index, state.session_index.map(i64::from)).map_err(context)?;
        same("eventIndex", expect.event_index, state.event_index.map(i64::from)).map_err(context)?;
        same("isInBackground", expect.is_in_background, state.is_in_background).map_err(context)?;
        same(
            "foregroundIndex",
            expect.foreground_index,
            i64::from(state.foreground_index),
        )
        .map_err(context)?;
        same(
            "backgroundIndex",
            expect.background_index,
            i64::from(state.background_index),
        )
        .map_err(context)?;
        same("appUserId", expect.app_user_id.clone(), state.app_user_id.clone()).map_err(context)
    }

    fn check_session(&mut self, what: &str, label: Option<&str>, actual: Option<&str>) -> Result<(), String> {
        match (label, actual) {
            (None, None) => Ok(()),
            (Some(label), Some(actual)) => self.sessions.check(what, label, actual),
            (None, Some(actual)) => Err(format!("{what}: expected null, got {actual}")),
            (Some(label), None) => Err(format!("{what}: expected {label}, got null")),
        }
    }
}

fn check_user(users: &mut Labels, label: &str, actual: &str) -> Result<(), String> {
    match (label == "anonymous", actual == NIL_UUID) {
        (true, true) => Ok(()),
        (true, false) => Err(format!("userId: expected anonymous, got {actual}")),
        (false, true) => Err(format!("userId: expected {label}, got the anonymous nil UUID")),
        (false, false) => users.check("userId", label, actual),
    }
}

fn same<T: PartialEq + std::fmt::Debug>(what: &str, expected: Option<T>, actual: T) -> Result<(), String> {
    match expected {
        Some(expected) if expected != actual => Err(format!("{what}: expected {expected:?}, got {actual:?}")),
        _ => Ok(()),
    }
}

/// Rule 12: the Snowplow JSON says exactly what the record's fields say.
fn check_consistency(event: &SessionEvent) -> Result<(), String> {
    let entity: serde_json::Value =
        serde_json::from_str(&event.snowplow_context_json).map_err(|e| format!("entity is not JSON: {e}"))?;
    let expected = serde_json::json!({
        "schema": "iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2",
        "data": {
            "userId": event.user_id,
            "sessionId": event.session_id,
            "sessionIndex": event.session_index,
            "previousSessionId": event.previous_session_id,
            "storageMechanism": "SQLITE",
            "firstEventId": event.first_event_id,
            "firstEventTimestamp": sessioncore::format_iso8601(event.first_event_timestamp_ms),
            "eventIndex": event.event_index,
        }
    });
    if entity == expected {
        Ok(())
    } else {
        Err(format!("entity JSON {entity} disagrees with the record {expected}"))
    }
}

/// A private directory per replay, removed afterwards.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> Result<TempDir, String> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!("sessioncore-scenario-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}
