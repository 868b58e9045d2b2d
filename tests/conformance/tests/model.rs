//! Model-based testing: a small in-memory reference model of the numbered
//! rules in docs/semantics.md, and a property test that runs long random
//! operation sequences (restarts, clock jumps both ways, pause/resume,
//! namespaces, manual sessions, anonymity, app user ids) against both the
//! SQLite-backed engine and the model, comparing every output and the state
//! after every step. A failing sequence is shrunk by proptest and written as
//! a scenario file (target/proptest-scenarios/) ready for tests/scenarios.
//! `PROPTEST_CASES` sets the number of sequences (default 64 here).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestError, TestRunner};
use serde_json::{json, Value};
use sessioncore::{
    ClockReading, EndedSession, SessionCoreError, SessionEvent, SessionState, SessionTracker, TrackerConfig, NIL_UUID,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

const T0: i64 = 1_700_000_000_000;
const FG: i64 = 30_000;
const BG: i64 = 10_000;
const MAX_DURATION: i64 = 300_000;
const NAMESPACES: [&str; 2] = ["default", "other"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Track,
    Background,
    Foreground,
}

#[derive(Debug, Clone)]
enum Op {
    Event { ns: usize, dt: i64, kind: Kind },
    Restart { continue_session: bool },
    Pause { ns: usize },
    Resume { ns: usize },
    StartNewSession { ns: usize },
    EndSession { ns: usize },
    StartManual { ns: usize, custom_id: Option<i64> },
    SetAnonymous { ns: usize, value: bool },
    SetAppUserId { ns: usize, value: Option<&'static str> },
    ExpireIfIdle { ns: usize, dt: i64 },
    Reset { ns: usize, new_user: bool },
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let ns = 0..NAMESPACES.len();
    let dt = prop_oneof![
        4 => 0i64..2_000,
        2 => 2_000i64..40_000,
        1 => 40_000i64..400_000,
        1 => -20_000i64..0,
    ];
    let kind = prop_oneof![6 => Just(Kind::Track), 2 => Just(Kind::Background), 2 => Just(Kind::Foreground)];
    prop_oneof![
        20 => (ns.clone(), dt.clone(), kind).prop_map(|(ns, dt, kind)| Op::Event { ns, dt, kind }),
        2 => any::<bool>().prop_map(|continue_session| Op::Restart { continue_session }),
        1 => ns.clone().prop_map(|ns| Op::Pause { ns }),
        1 => ns.clone().prop_map(|ns| Op::Resume { ns }),
        1 => ns.clone().prop_map(|ns| Op::StartNewSession { ns }),
        1 => ns.clone().prop_map(|ns| Op::EndSession { ns }),
        1 => (ns.clone(), prop_oneof![Just(None), Just(Some(1_234_567_890i64)), Just(Some(42i64))])
            .prop_map(|(ns, custom_id)| Op::StartManual { ns, custom_id }),
        1 => (ns.clone(), any::<bool>()).prop_map(|(ns, value)| Op::SetAnonymous { ns, value }),
        1 => (ns.clone(), prop_oneof![Just(None), Just(Some("user-1")), Just(Some("user-2")), Just(Some(""))])
            .prop_map(|(ns, value)| Op::SetAppUserId { ns, value }),
        2 => (ns.clone(), dt.clone()).prop_map(|(ns, dt)| Op::ExpireIfIdle { ns, dt }),
        1 => (ns, any::<bool>()).prop_map(|(ns, new_user)| Op::Reset { ns, new_user }),
    ]
}

// ---- The reference model: the rules, written out plainly. ----

#[derive(Debug, Clone)]
struct ModelSession {
    id: u32,
    previous: Option<u32>,
    index: i64,
    events: i64,
    first_at: Option<i64>,
    start: i64,
    last: i64,
    foreground: i64,
    background: i64,
    reason: &'static str,
    custom_id: Option<i64>,
    anonymous: bool,
}

#[derive(Debug, Clone, Default)]
struct ModelNamespace {
    latest: Option<ModelSession>,
    ended: bool,
    in_background: bool,
    pending: Option<&'static str>,
    manual: bool,
    app_user_id: Option<String>,
    end_reason: Option<&'static str>,
    end_reported: bool,
    new_user: bool,
    // Per tracker object, not stored (rules 6, 7, 9).
    paused: bool,
    anonymous: bool,
}

impl ModelNamespace {
    /// The latest session's summary unless its end was reported (rule 19).
    fn unreported(&self) -> Option<ModelSummary> {
        self.latest
            .as_ref()
            .filter(|_| !self.end_reported)
            .map(|s| ModelSummary {
                session: s.id,
                index: s.index,
                events: s.events,
                start: s.first_at.unwrap_or(s.start),
                end: s.last,
            })
    }

    /// Ends the active session, reporting it (rule 19).
    fn end_now(&mut self, reason: Option<&'static str>) -> Option<ModelSummary> {
        if self.latest.is_none() || self.ended {
            return None;
        }
        let summary = self.unreported();
        self.ended = true;
        self.end_reason = reason;
        self.end_reported = true;
        summary
    }
}

/// What the model says one step returns.
#[derive(Debug, Clone, PartialEq)]
enum Expected {
    Error(&'static str),
    Entity(Option<ModelEntity>),
    /// A call that ends a session returned this summary (rule 19).
    Ended(Option<ModelSummary>),
    Nothing,
}

/// Rule 19's summary: session, index, event count, first-event and last-activity times.
#[derive(Debug, Clone, PartialEq)]
struct ModelSummary {
    session: u32,
    index: i64,
    events: i64,
    start: i64,
    end: i64,
}

#[derive(Debug, Clone, PartialEq)]
struct ModelEntity {
    session: u32,
    previous: Option<u32>,
    index: i64,
    event_index: i64,
    first_at: i64,
    reason: Option<&'static str>,
    anonymous: bool,
    app_user_id: Option<String>,
    rudder: i64,
    amplitude: i64,
    ended: Option<ModelSummary>,
    user: u32,
}

struct Model {
    namespaces: Vec<ModelNamespace>,
    next_id: u32,
    now: i64,
    /// The install's user, numbered: a reset with a new user id moves it on.
    user: u32,
}

impl Model {
    fn new() -> Model {
        Model {
            namespaces: vec![ModelNamespace::default(); NAMESPACES.len()],
            next_id: 1,
            now: T0,
            user: 1,
        }
    }

    fn apply(&mut self, op: &Op) -> Expected {
        match *op {
            Op::Event { ns, dt, kind } => {
                self.now += dt;
                let now = self.now;
                Expected::Entity(self.event(ns, now, kind).flatten())
            }
            Op::Restart { continue_session } => {
                for n in &mut self.namespaces {
                    n.paused = false;
                    n.anonymous = false;
                    if !continue_session && n.latest.is_some() && !n.ended && n.pending.is_none() {
                        n.pending = Some("restart");
                    }
                }
                Expected::Nothing
            }
            Op::Pause { ns } => {
                self.namespaces[ns].paused = true;
                Expected::Nothing
            }
            Op::Resume { ns } => {
                self.namespaces[ns].paused = false;
                Expected::Nothing
            }
            Op::StartNewSession { ns } => {
                let n = &mut self.namespaces[ns];
                n.manual = false;
                n.pending = n.pending.or(Some("requested"));
                Expected::Nothing
            }
            Op::EndSession { ns } => Expected::Ended(self.namespaces[ns].end_now(None)),
            Op::StartManual { ns, custom_id } => {
                if custom_id.is_some_and(|id| id < 1_000_000_000) {
                    return Expected::Error("InvalidArgument");
                }
                let now = self.now;
                self.namespaces[ns].manual = true;
                Expected::Ended(self.start(ns, now, "manualStart", custom_id))
            }
            Op::ExpireIfIdle { ns, dt } => {
                self.now += dt;
                let now = self.now;
                let n = &mut self.namespaces[ns];
                let timed_out = n
                    .latest
                    .as_ref()
                    .filter(|_| !n.ended && !n.paused && !n.manual)
                    .and_then(|s| {
                        let timeout = if n.in_background { BG } else { FG };
                        if now - s.last > timeout {
                            Some(if n.in_background {
                                "backgroundTimeout"
                            } else {
                                "foregroundTimeout"
                            })
                        } else {
                            (now - s.start > MAX_DURATION).then_some("maxDuration")
                        }
                    });
                Expected::Ended(timed_out.and_then(|reason| n.end_now(Some(reason))))
            }
            Op::Reset { ns, new_user } => {
                if new_user {
                    self.user += 1;
                }
                let mut ended = None;
                for (i, n) in self.namespaces.iter_mut().enumerate() {
                    if i == ns || new_user {
                        let summary = n.unreported().filter(|_| i == ns);
                        ended = ended.or(summary);
                        if n.latest.is_some() {
                            n.ended = true;
                            n.end_reason = Some("reset");
                            n.end_reported |= i == ns;
                        }
                        n.new_user |= new_user;
                        n.pending = None;
                        n.manual = false;
                        n.app_user_id = None;
                    }
                }
                Expected::Ended(ended)
            }
            Op::SetAnonymous { ns, value } => {
                self.namespaces[ns].anonymous = value;
                Expected::Nothing
            }
            Op::SetAppUserId { ns, value } => {
                if value == Some("") {
                    return Expected::Error("InvalidArgument");
                }
                self.namespaces[ns].app_user_id = value.map(str::to_owned);
                Expected::Nothing
            }
        }
    }

    fn start(&mut self, ns: usize, now: i64, reason: &'static str, custom_id: Option<i64>) -> Option<ModelSummary> {
        let id = self.next_id;
        self.next_id += 1;
        let n = &mut self.namespaces[ns];
        let replaced = n.unreported();
        let previous = n.latest.as_ref().filter(|_| !n.new_user);
        n.latest = Some(ModelSession {
            id,
            previous: previous.map(|s| s.id),
            index: previous.map_or(1, |s| (s.index + 1).min(i32::MAX as i64)),
            events: 0,
            first_at: None,
            start: now,
            last: now,
            foreground: 0,
            background: 0,
            reason,
            custom_id,
            anonymous: n.anonymous,
        });
        n.ended = false;
        n.pending = None;
        n.end_reason = None;
        n.end_reported = false;
        n.new_user = false;
        replaced
    }

    /// `None` for a redundant transition, `Some(None)` for an event without a session.
    fn event(&mut self, ns: usize, now: i64, kind: Kind) -> Option<Option<ModelEntity>> {
        let n = &self.namespaces[ns];
        let to_background = match kind {
            Kind::Background if n.in_background => return None,
            Kind::Foreground if !n.in_background => return None,
            Kind::Background => Some(true),
            Kind::Foreground => Some(false),
            Kind::Track => None,
        };
        let active = n.latest.as_ref().filter(|_| !n.ended);
        let decision: Result<Option<&'static str>, ()> = match active {
            None if n.paused || n.manual => Err(()),
            None if n.latest.is_some() => Ok(Some(n.end_reason.unwrap_or("sessionEnded"))),
            None => Ok(Some("firstSession")),
            Some(s) if n.paused => Ok((s.anonymous != n.anonymous).then_some("anonymityChanged")),
            Some(s) if n.manual => Ok(n.pending.or((s.anonymous != n.anonymous).then_some("anonymityChanged"))),
            Some(s) => Ok(n
                .pending
                .or((s.anonymous != n.anonymous).then_some("anonymityChanged"))
                .or_else(|| {
                    let timeout = if n.in_background { BG } else { FG };
                    if now < s.last {
                        Some("clockMovedBackwards")
                    } else if now - s.last > timeout {
                        Some(if n.in_background {
                            "backgroundTimeout"
                        } else {
                            "foregroundTimeout"
                        })
                    } else if now - s.start > MAX_DURATION {
                        Some("maxDuration")
                    } else {
                        None
                    }
                })),
        };
        let entity = match decision {
            Err(()) => None,
            Ok(reason) => {
                let ended = reason.and_then(|reason| self.start(ns, now, reason, None));
                let user = self.user;
                let n = &mut self.namespaces[ns];
                let s = n.latest.as_mut().unwrap();
                s.events += 1;
                if s.first_at.is_none() {
                    s.first_at = Some(now);
                }
                if !n.paused {
                    s.last = now;
                }
                match to_background {
                    Some(true) => s.background += 1,
                    Some(false) => s.foreground += 1,
                    None => {}
                }
                Some(ModelEntity {
                    session: s.id,
                    previous: s.previous.filter(|_| !n.anonymous),
                    index: s.index,
                    event_index: s.events,
                    first_at: s.first_at.unwrap(),
                    reason: (s.events == 1).then_some(s.reason),
                    anonymous: n.anonymous,
                    app_user_id: n.app_user_id.clone().filter(|_| !n.anonymous),
                    rudder: s.custom_id.unwrap_or(s.start.div_euclid(1000)),
                    amplitude: s.start,
                    ended,
                    user,
                })
            }
        };
        if let Some(background) = to_background {
            self.namespaces[ns].in_background = background;
        }
        Some(entity)
    }
}

// ---- Running the engine next to the model. ----

/// What one engine call returned.
#[derive(Debug)]
enum Outcome {
    Event(Option<Box<SessionEvent>>),
    Ended(Option<EndedSession>),
    Nothing,
}

struct Engine {
    dir: PathBuf,
    trackers: Vec<Arc<SessionTracker>>,
}

impl Engine {
    fn new(case: u64) -> Engine {
        let dir = std::env::temp_dir().join(format!("sessioncore-model-{}-{case}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut engine = Engine {
            dir,
            trackers: Vec::new(),
        };
        engine.reopen(true);
        engine
    }

    fn config(continue_session: bool) -> TrackerConfig {
        TrackerConfig {
            foreground_timeout_ms: FG,
            background_timeout_ms: BG,
            continue_session_on_restart: continue_session,
            max_session_duration_ms: Some(MAX_DURATION),
            anonymous: false,
            background_events_start_sessions: true,
            durability: None,
        }
    }

    fn reopen(&mut self, continue_session: bool) {
        for tracker in &self.trackers {
            tracker.close_storage().unwrap();
        }
        let db = self.dir.join("sessions.db").display().to_string();
        self.trackers = NAMESPACES
            .iter()
            .map(|ns| SessionTracker::open(db.clone(), (*ns).into(), Engine::config(continue_session)).unwrap())
            .collect();
    }

    fn apply(&mut self, op: &Op, now: i64) -> Result<Outcome, SessionCoreError> {
        let done = |r: Result<(), SessionCoreError>| r.map(|()| Outcome::Nothing);
        let ended = |r: Result<Option<EndedSession>, SessionCoreError>| r.map(Outcome::Ended);
        match *op {
            Op::Event { ns, kind, .. } => {
                let t = &self.trackers[ns];
                let event = match kind {
                    Kind::Track => t.track(None, Some(ClockReading::wall(now))),
                    Kind::Background => t.background(None, Some(ClockReading::wall(now))),
                    Kind::Foreground => t.foreground(None, Some(ClockReading::wall(now))),
                }?;
                Ok(Outcome::Event(event.map(Box::new)))
            }
            Op::Restart { continue_session } => {
                self.reopen(continue_session);
                Ok(Outcome::Nothing)
            }
            Op::Pause { ns } => done(self.trackers[ns].pause()),
            Op::Resume { ns } => done(self.trackers[ns].resume()),
            Op::StartNewSession { ns } => done(self.trackers[ns].start_new_session()),
            Op::EndSession { ns } => ended(self.trackers[ns].end_session()),
            Op::StartManual { ns, custom_id } => {
                ended(self.trackers[ns].start_manual_session(custom_id, Some(ClockReading::wall(now))))
            }
            Op::ExpireIfIdle { ns, .. } => ended(self.trackers[ns].expire_if_idle(Some(ClockReading::wall(now)))),
            Op::Reset { ns, new_user } => ended(self.trackers[ns].reset(new_user)),
            Op::SetAnonymous { ns, value } => done(self.trackers[ns].set_anonymous(value)),
            Op::SetAppUserId { ns, value } => done(self.trackers[ns].set_app_user_id(value.map(str::to_owned))),
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Model session numbers <-> engine UUIDs, one to one.
#[derive(Default)]
struct Ids {
    model_to_engine: HashMap<u32, String>,
    engine_to_model: HashMap<String, u32>,
}

impl Ids {
    fn same(&mut self, model: Option<u32>, engine: Option<&str>) -> Result<(), String> {
        match (model, engine) {
            (None, None) => Ok(()),
            (Some(m), Some(e)) => match (self.model_to_engine.get(&m), self.engine_to_model.get(e)) {
                (Some(bound), _) if bound == e => Ok(()),
                (None, None) => {
                    self.model_to_engine.insert(m, e.to_owned());
                    self.engine_to_model.insert(e.to_owned(), m);
                    Ok(())
                }
                _ => Err(format!("model session S{m} is not engine session {e}")),
            },
            _ => Err(format!("model session {model:?}, engine session {engine:?}")),
        }
    }
}

fn compare_summary(ids: &mut Ids, model: Option<&ModelSummary>, engine: Option<&EndedSession>) -> Result<(), String> {
    let (Some(m), Some(e)) = (model, engine) else {
        return if model.is_none() == engine.is_none() {
            Ok(())
        } else {
            Err(format!("ended session: model {model:?}, engine {engine:?}"))
        };
    };
    ids.same(Some(m.session), Some(&e.session_id))?;
    let expected = (m.index, m.events, m.start, m.end);
    let actual = (
        i64::from(e.session_index),
        i64::from(e.event_count),
        e.start_ms,
        e.end_ms,
    );
    if expected == actual {
        Ok(())
    } else {
        Err(format!("ended session: model {m:?}, engine {e:?}"))
    }
}

fn compare_entity(ids: &mut Ids, users: &mut Ids, model: &ModelEntity, engine: &SessionEvent) -> Result<(), String> {
    ids.same(Some(model.session), Some(&engine.session_id))?;
    compare_summary(ids, model.ended.as_ref(), engine.ended_session.as_ref())?;
    if !model.anonymous {
        users
            .same(Some(model.user), Some(&engine.user_id))
            .map_err(|e| format!("user: {e}"))?;
    }
    ids.same(model.previous, engine.previous_session_id.as_deref())?;
    let engine_reason = engine.new_session_reason.map(|r| r.as_str());
    let checks = [
        ("sessionIndex", model.index, i64::from(engine.session_index)),
        ("eventIndex", model.event_index, i64::from(engine.event_index)),
        ("firstEventTimestamp", model.first_at, engine.first_event_timestamp_ms),
        ("rudderSessionId", model.rudder, engine.rudderstack_session_id),
        ("amplitudeSessionId", model.amplitude, engine.amplitude_session_id),
    ];
    for (what, m, e) in checks {
        if m != e {
            return Err(format!("{what}: model {m}, engine {e}"));
        }
    }
    if model.reason != engine_reason || model.reason.is_some() != engine.is_new_session {
        return Err(format!(
            "newSessionReason: model {:?}, engine {engine_reason:?}",
            model.reason
        ));
    }
    if model.anonymous != (engine.user_id == NIL_UUID) || model.app_user_id != engine.app_user_id {
        return Err(format!("user ids: model {model:?}, engine {engine:?}"));
    }
    Ok(())
}

fn compare_state(ids: &mut Ids, model: &ModelNamespace, engine: &SessionState) -> Result<(), String> {
    let active = model.latest.as_ref().filter(|_| !model.ended);
    ids.same(active.map(|s| s.id), engine.session_id.as_deref())?;
    let expected = (
        active.map(|s| s.index),
        active.map(|s| s.events),
        model.in_background,
        active.map_or(0, |s| s.foreground),
        active.map_or(0, |s| s.background),
        model.paused,
        model.manual,
        model.pending.is_some() || active.is_some_and(|s| s.anonymous != model.anonymous),
    );
    let actual = (
        engine.session_index.map(i64::from),
        engine.event_index.map(i64::from),
        engine.is_in_background,
        i64::from(engine.foreground_index),
        i64::from(engine.background_index),
        engine.is_paused,
        engine.is_manual,
        engine.is_new_session_pending,
    );
    if expected == actual {
        Ok(())
    } else {
        Err(format!("state: model {expected:?}, engine {actual:?}"))
    }
}

/// Runs one sequence on a fresh file; the error names the first divergence.
fn run_sequence(ops: &[Op]) -> Result<(), String> {
    static CASE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut engine = Engine::new(CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let mut model = Model::new();
    let (mut ids, mut users) = (Ids::default(), Ids::default());
    for (step, op) in ops.iter().enumerate() {
        let expected = model.apply(op);
        let actual = engine.apply(op, model.now);
        let context = |e: String| format!("step {} {op:?}: {e}", step + 1);
        match (&expected, actual) {
            (Expected::Error(kind), Err(e)) if e.kind() == *kind => {}
            (Expected::Nothing, Ok(Outcome::Nothing)) => {}
            (Expected::Entity(None), Ok(Outcome::Event(None))) => {}
            (Expected::Entity(Some(m)), Ok(Outcome::Event(Some(e)))) => {
                compare_entity(&mut ids, &mut users, m, &e).map_err(context)?
            }
            (Expected::Ended(m), Ok(Outcome::Ended(e))) => {
                compare_summary(&mut ids, m.as_ref(), e.as_ref()).map_err(context)?
            }
            (expected, actual) => return Err(context(format!("model {expected:?}, engine {actual:?}"))),
        }
        for (ns, tracker) in engine.trackers.iter().enumerate() {
            let state = tracker.state().map_err(|e| context(e.to_string()))?;
            compare_state(&mut ids, &model.namespaces[ns], &state).map_err(context)?;
        }
    }
    Ok(())
}

/// The minimal failing sequence as a scenario, expectations from the model.
fn as_scenario(ops: &[Op]) -> Value {
    let mut model = Model::new();
    let mut steps = Vec::new();
    for op in ops {
        let expected = model.apply(op);
        let ns = |i: usize| NAMESPACES[i];
        let mut step = match *op {
            Op::Event { ns: i, kind, .. } => {
                let name = match kind {
                    Kind::Track => "track",
                    Kind::Background => "background",
                    Kind::Foreground => "foreground",
                };
                json!({"op": name, "namespace": ns(i), "at": model.now - T0})
            }
            Op::Restart { continue_session } => {
                json!({"op": "restart", "config": {"continueSessionOnRestart": continue_session}})
            }
            Op::Pause { ns: i } => json!({"op": "pause", "namespace": ns(i)}),
            Op::Resume { ns: i } => json!({"op": "resume", "namespace": ns(i)}),
            Op::StartNewSession { ns: i } => json!({"op": "startNewSession", "namespace": ns(i)}),
            Op::EndSession { ns: i } => json!({"op": "endSession", "namespace": ns(i)}),
            Op::StartManual { ns: i, custom_id } => {
                let mut s = json!({"op": "startManualSession", "namespace": ns(i), "at": model.now - T0});
                if let Some(id) = custom_id {
                    s["customId"] = json!(id);
                }
                s
            }
            Op::SetAnonymous { ns: i, value } => json!({"op": "setAnonymous", "namespace": ns(i), "value": value}),
            Op::SetAppUserId { ns: i, value } => json!({"op": "setAppUserId", "namespace": ns(i), "value": value}),
            Op::ExpireIfIdle { ns: i, .. } => json!({"op": "expireIfIdle", "namespace": ns(i), "at": model.now - T0}),
            Op::Reset { ns: i, new_user } => json!({"op": "reset", "namespace": ns(i), "newUserId": new_user}),
        };
        let summary = |s: &ModelSummary| {
            json!({"session": format!("S{}", s.session), "sessionIndex": s.index, "eventCount": s.events,
                   "startAt": s.start - T0, "endAt": s.end - T0})
        };
        match expected {
            Expected::Error(kind) => step["expectError"] = json!(kind),
            Expected::Entity(None) => step["expect"] = json!({"entity": null}),
            Expected::Entity(Some(e)) => {
                step["expect"] = json!({
                    "session": format!("S{}", e.session),
                    "previousSession": e.previous.map(|p| format!("S{p}")),
                    "sessionIndex": e.index, "eventIndex": e.event_index,
                    "isNewSession": e.reason.is_some(), "newSessionReason": e.reason,
                    "rudderSessionId": e.rudder, "amplitudeSessionId": e.amplitude,
                    "endedSession": e.ended.as_ref().map(summary),
                })
            }
            Expected::Ended(ended) => step["ended"] = json!(ended.as_ref().map(summary)),
            Expected::Nothing => {}
        }
        steps.push(step);
    }
    json!({
        "name": "found-by-model-test",
        "rules": [3],
        "description": "A sequence on which the engine and the reference model of docs/semantics.md disagreed (shrunk by proptest).",
        "config": {"foregroundTimeoutMs": FG, "backgroundTimeoutMs": BG, "maxSessionDurationMs": MAX_DURATION},
        "startMs": T0,
        "steps": steps,
    })
}

#[test]
fn the_engine_behaves_like_the_reference_model() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&proptest::collection::vec(op_strategy(), 1..120), |ops| {
        run_sequence(&ops).map_err(TestCaseError::fail)
    });
    if let Err(TestError::Fail(reason, ops)) = result {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/proptest-scenarios");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("found-by-model-test.json");
        std::fs::write(&path, serde_json::to_string_pretty(&as_scenario(&ops)).unwrap() + "\n").unwrap();
        panic!(
            "engine and model disagree: {reason}\nminimal sequence ({} ops) saved as {}",
            ops.len(),
            path.display()
        );
    } else if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn a_divergence_is_caught_and_saved_as_a_scenario() {
    // A model that forgot rule 5's no-op must disagree with the engine.
    let ops = [
        Op::Event {
            ns: 0,
            dt: 0,
            kind: Kind::Track,
        },
        Op::Event {
            ns: 0,
            dt: 10,
            kind: Kind::Background,
        },
        Op::Event {
            ns: 0,
            dt: 10,
            kind: Kind::Background,
        },
    ];
    assert!(run_sequence(&ops).is_ok());
    let scenario = as_scenario(&ops);
    assert_eq!(scenario["steps"][2]["expect"], json!({"entity": null}));
    let parsed = sessioncore_conformance::Scenario::parse(&scenario.to_string().replace("found-by-model-test", "x"));
    assert!(parsed.is_ok(), "{parsed:?}");
    let (_, verdict) = sessioncore_conformance::replay(&parsed.unwrap());
    assert_eq!(verdict, Ok(()), "the generated scenario replays");
}
