//! The exported surface: one tracker object, flat records and one error enum,
//! every call returning a `Result`, times as `i64` epoch milliseconds. This
//! layer only converts types; all behaviour lives in `tracker` and `engine`.

use crate::engine::{BootInstant, EventOutput, Moment, NewSessionReason, SessionSummary, Settings, StateView};
use crate::error::Error;
use crate::storage::Durability;
use crate::tracker::Tracker;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

/// Why a call failed (rule 16); a failed call changes nothing that was committed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum SessionCoreError {
    /// A configuration value is unusable; `field` names it (e.g. `foregroundTimeoutMs`).
    InvalidConfig {
        /// The field as the API spells it: `foregroundTimeoutMs`, `namespace`, ...
        field: String,
        /// What is wrong with it, in one line.
        detail: String,
    },
    /// A call argument is unusable; `argument` names it (e.g. `customId`).
    InvalidArgument {
        /// The argument as the API spells it: `eventId`, `at.wallMs`, `path`, ...
        argument: String,
        /// What is wrong with it, in one line.
        detail: String,
    },
    /// SQLite could not read or write; nothing committed was lost.
    Storage {
        /// One line naming the file and SQLite's error (rule 17).
        detail: String,
    },
    /// The tracker was closed.
    Closed {
        /// Says that the tracker was closed.
        detail: String,
    },
    /// A bug in sessioncore (a caught panic); the stored state is unchanged.
    Internal {
        /// The panic's message.
        detail: String,
    },
}

impl std::fmt::Display for SessionCoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionCoreError::InvalidConfig { field, detail } => write!(f, "invalid config `{field}`: {detail}"),
            SessionCoreError::InvalidArgument { argument, detail } => {
                write!(f, "invalid argument `{argument}`: {detail}")
            }
            SessionCoreError::Storage { detail } => write!(f, "storage error: {detail}"),
            SessionCoreError::Closed { detail } => write!(f, "closed: {detail}"),
            SessionCoreError::Internal { detail } => write!(f, "internal error: {detail}"),
        }
    }
}

impl std::error::Error for SessionCoreError {}

impl SessionCoreError {
    /// The kind's name as scenarios and every binding spell it.
    pub fn kind(&self) -> &'static str {
        match self {
            SessionCoreError::InvalidConfig { .. } => "InvalidConfig",
            SessionCoreError::InvalidArgument { .. } => "InvalidArgument",
            SessionCoreError::Storage { .. } => "Storage",
            SessionCoreError::Closed { .. } => "Closed",
            SessionCoreError::Internal { .. } => "Internal",
        }
    }
}

impl From<Error> for SessionCoreError {
    fn from(error: Error) -> Self {
        match error {
            Error::InvalidConfig { field, message } => SessionCoreError::InvalidConfig { field, detail: message },
            Error::InvalidArgument { argument, message } => SessionCoreError::InvalidArgument {
                argument,
                detail: message,
            },
            Error::Storage { message } => SessionCoreError::Storage { detail: message },
        }
    }
}

// The docs here are the ones the bindings carry (uniffi reads this
// declaration); rustdoc shows those of `engine::NewSessionReason`. Keep both.
/// Why a session started (rule 3's conditions in order, then rules 10, 14, 20).
#[uniffi::remote(Enum)]
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

/// What a committed change survives (rule 17).
#[uniffi::remote(Enum)]
pub enum Durability {
    /// Power loss and OS crashes too: an fsync at every commit (SQLite
    /// `synchronous=FULL`). The default.
    Full,
    /// App crashes and kills, not power loss: on power loss the last commits
    /// may roll back and the file stays consistent (`synchronous=NORMAL`,
    /// Android's own default). Far cheaper per event on phone flash.
    Normal,
}

/// The settings of a tracker object (rule 16); every field has a default.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrackerConfig {
    /// Inactivity in the foreground that ends a session, in ms, at least 0
    /// (rule 3 (d)). Default 1800000 (30 minutes).
    #[uniffi(default = 1800000)]
    pub foreground_timeout_ms: i64,
    /// Inactivity in the background that ends a session, in ms, at least 0
    /// (rule 3 (d)). Default 1800000 (30 minutes).
    #[uniffi(default = 1800000)]
    pub background_timeout_ms: i64,
    /// True resumes the stored session when the file is reopened; false starts
    /// a new one at the next event (rule 6).
    #[uniffi(default = true)]
    pub continue_session_on_restart: bool,
    /// The longest a session may last from its start, in ms, at least 1
    /// (rule 3 (e)); none (the default) for no limit.
    #[uniffi(default = None)]
    pub max_session_duration_ms: Option<i64>,
    /// True emits the nil UUID as `userId` and no `previousSessionId` or app
    /// user id (rule 9); changeable later with `setAnonymous`.
    #[uniffi(default = false)]
    pub anonymous: bool,
    /// Rule 18: false keeps events tracked in the background (pushes,
    /// background fetches) from starting or extending sessions.
    #[uniffi(default = true)]
    pub background_events_start_sessions: bool,
    /// What each commit survives; none means `Full` (rule 17).
    #[uniffi(default = None)]
    pub durability: Option<Durability>,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        Settings::default().into()
    }
}

impl From<Settings> for TrackerConfig {
    fn from(s: Settings) -> Self {
        TrackerConfig {
            foreground_timeout_ms: s.foreground_timeout_ms,
            background_timeout_ms: s.background_timeout_ms,
            continue_session_on_restart: s.continue_session_on_restart,
            max_session_duration_ms: s.max_session_duration_ms,
            anonymous: s.anonymous,
            background_events_start_sessions: s.background_events_start_sessions,
            durability: None,
        }
    }
}

impl From<TrackerConfig> for Settings {
    fn from(c: TrackerConfig) -> Self {
        Settings {
            foreground_timeout_ms: c.foreground_timeout_ms,
            background_timeout_ms: c.background_timeout_ms,
            continue_session_on_restart: c.continue_session_on_restart,
            max_session_duration_ms: c.max_session_duration_ms,
            anonymous: c.anonymous,
            background_events_start_sessions: c.background_events_start_sessions,
        }
    }
}

/// An explicit time for a call, instead of the clocks the core reads under
/// its lock (for tests, tools and replays; docs/semantics.md, "Time").
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ClockReading {
    /// Epoch milliseconds, UTC, `0 ..= 253402300799999` (the end of year 9999).
    pub wall_ms: i64,
    /// The boot clock, where there is one; with none, time is measured on the wall clock.
    #[uniffi(default = None)]
    pub boot: Option<BootClockReading>,
}

/// Milliseconds since boot (deep sleep included) and the boot's identity.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BootClockReading {
    /// Identifies the boot (1 to 64 bytes); readings of different boots are
    /// compared on the wall clock.
    pub boot_id: String,
    /// Milliseconds since that boot, `0 ..= 253402300799999`.
    pub uptime_ms: i64,
}

impl ClockReading {
    /// A wall-clock reading alone (no boot clock).
    pub fn wall(wall_ms: i64) -> ClockReading {
        ClockReading { wall_ms, boot: None }
    }
}

impl From<ClockReading> for Moment {
    fn from(r: ClockReading) -> Self {
        Moment {
            wall_ms: r.wall_ms,
            boot: r.boot.map(|b| BootInstant {
                boot_id: b.boot_id,
                uptime_ms: b.uptime_ms,
            }),
        }
    }
}

/// The session entity of one tracked event (rule 12), as emitted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionEvent {
    /// The event's id, lower-case: the one passed in, or a generated UUIDv4 (rule 1).
    pub event_id: String,
    /// This event started its session: raise the on-session-update callback.
    pub is_new_session: bool,
    /// Why the session started; set only when `isNewSession` (rule 12).
    pub new_session_reason: Option<NewSessionReason>,
    /// The install's user id, a lower-case UUID; the nil UUID in anonymous mode (rules 1, 9).
    pub user_id: String,
    /// The session's id, a lower-case UUIDv4 (rule 1).
    pub session_id: String,
    /// The id of the session before; none for the install's (or a new user's)
    /// first session and in anonymous mode (rules 3, 9, 20).
    pub previous_session_id: Option<String>,
    /// From 1 (the install's or a new user's first session), + 1 per session,
    /// at most 2147483647 (rules 3, 14, 20).
    pub session_index: i32,
    /// This event's position in its session: 1 for the first, up to 2147483647 (rules 4, 14).
    pub event_index: i32,
    /// The id of the session's first event.
    pub first_event_id: String,
    /// The time of the session's first event, epoch ms (UTC).
    pub first_event_timestamp_ms: i64,
    /// When the session started, epoch ms (UTC): its first event, its
    /// `startManualSession` call, or an import (rules 3, 10, 21).
    pub session_start_ms: i64,
    /// Snowplow's atomic `user_id` (rule 15); none when unset or anonymous.
    pub app_user_id: Option<String>,
    /// RudderStack's `sessionId`: the manual session's custom id, else the
    /// session start in epoch seconds, rounded down (rule 12 (b)).
    pub rudderstack_session_id: i64,
    /// Amplitude's `session_id`: the session start in epoch ms (rule 12 (c)).
    pub amplitude_session_id: i64,
    /// The `client_session` 1-0-2 self-describing JSON, ready to attach.
    pub snowplow_context_json: String,
    /// On the first event of a new session: the session it replaced, unless
    /// its end was already reported (rule 19). Emit a `session_end` for it.
    pub ended_session: Option<EndedSession>,
}

/// Another tracker's stored state, for `import_state` (rule 21).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportedState {
    /// The install's user id (a UUID).
    pub user_id: String,
    /// The current session's id (a UUID).
    pub session_id: String,
    /// The current session's index, `1 ..= 2147483647`.
    pub session_index: i64,
    /// The id of the session before it (a UUID), or none.
    pub previous_session_id: Option<String>,
    /// The `eventIndex` of the session's last event, `1 ..= 2147483647`.
    pub event_index: i64,
    /// The session's last activity, epoch ms: the next event's timeout is measured from it.
    pub last_activity_ms: i64,
    /// The session's first event, with `first_event_ms`, when the tracker stored it.
    #[uniffi(default = None)]
    pub first_event_id: Option<String>,
    /// That first event's time, epoch ms; set together with `first_event_id`
    /// or not at all. It becomes the session's start.
    #[uniffi(default = None)]
    pub first_event_ms: Option<i64>,
}

impl From<ImportedState> for crate::engine::ImportedState {
    fn from(s: ImportedState) -> Self {
        crate::engine::ImportedState {
            user_id: s.user_id,
            session_id: s.session_id,
            session_index: s.session_index,
            previous_session_id: s.previous_session_id,
            event_index: s.event_index,
            last_activity_ms: s.last_activity_ms,
            first_event_id: s.first_event_id,
            first_event_ms: s.first_event_ms,
        }
    }
}

/// A session's end, reported once (rule 19): what a `session_end` event needs.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EndedSession {
    /// The ended session's id.
    pub session_id: String,
    /// The ended session's index (rule 3).
    pub session_index: i32,
    /// Its last `eventIndex`: the number of events it counted (0 for a manual
    /// session that had none).
    pub event_count: i32,
    /// Its first event's time (its start when it had none), epoch ms.
    pub start_ms: i64,
    /// Its last activity, epoch ms (rules 4, 7 and 18 say which events move it).
    pub end_ms: i64,
}

impl From<SessionSummary> for EndedSession {
    fn from(s: SessionSummary) -> Self {
        EndedSession {
            session_id: s.id,
            session_index: index(s.index),
            event_count: index(s.event_count),
            start_ms: s.start_ms,
            end_ms: s.end_ms,
        }
    }
}

impl From<EventOutput> for SessionEvent {
    fn from(o: EventOutput) -> Self {
        SessionEvent {
            is_new_session: o.is_new_session(),
            rudderstack_session_id: o.rudderstack_session_id(),
            amplitude_session_id: o.amplitude_session_id(),
            snowplow_context_json: o.snowplow_entity(),
            event_id: o.event_id,
            new_session_reason: o.new_session_reason,
            user_id: o.user_id,
            session_id: o.session_id,
            previous_session_id: o.previous_session_id,
            session_index: index(o.session_index),
            event_index: index(o.event_index),
            first_event_id: o.first_event_id,
            first_event_timestamp_ms: o.first_event_ms,
            session_start_ms: o.session_start_ms,
            app_user_id: o.app_user_id,
            ended_session: o.ended_session.map(EndedSession::from),
        }
    }
}

/// Everything the getters report, in one call (rule 13).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionState {
    /// The install's user id; the nil UUID in anonymous mode (rules 1, 9).
    pub user_id: String,
    /// The current session's id; none before the first session and after it
    /// ended (rules 2, 10, 19).
    pub session_id: Option<String>,
    /// The id of the session before the current one; none without a session,
    /// for the first one and in anonymous mode (rules 3, 9).
    pub previous_session_id: Option<String>,
    /// The current session's index, from 1; none without a session (rule 2).
    pub session_index: Option<i32>,
    /// The last event's index in the current session; 0 for a manual session
    /// before its first event, none without a session.
    pub event_index: Option<i32>,
    /// The id of the session's first event; none until it has one (a manual or
    /// imported session, rules 10, 21) and without a session.
    pub first_event_id: Option<String>,
    /// The time of the session's first event, epoch ms (UTC); none when
    /// `firstEventId` is.
    pub first_event_timestamp_ms: Option<i64>,
    /// When the current session started, epoch ms (UTC); none without a session.
    pub session_start_ms: Option<i64>,
    /// The app is in the background, as the last transition or launch reported (rule 5).
    pub is_in_background: bool,
    /// Moves to the foreground in the current session; 0 without a session (rule 5).
    pub foreground_index: i32,
    /// Moves to the background in the current session; 0 without a session (rule 5).
    pub background_index: i32,
    /// This tracker object is paused (rule 7); never stored.
    pub is_paused: bool,
    /// The namespace is in manual mode (rule 10).
    pub is_manual: bool,
    /// The next event starts a new session: requested, restart or a change of
    /// anonymity (rules 6, 8, 9).
    pub is_new_session_pending: bool,
    /// The app's own user id (rule 15); none when unset or anonymous.
    pub app_user_id: Option<String>,
}

impl From<&StateView<'_>> for SessionState {
    fn from(v: &StateView<'_>) -> Self {
        SessionState {
            user_id: v.user_id().to_owned(),
            session_id: v.session_id().map(str::to_owned),
            previous_session_id: v.previous_session_id().map(str::to_owned),
            session_index: v.session_index().map(index),
            event_index: v.event_index().map(index),
            first_event_id: v.first_event_id().map(str::to_owned),
            first_event_timestamp_ms: v.first_event_ms(),
            session_start_ms: v.session_start_ms(),
            is_in_background: v.is_in_background(),
            foreground_index: index(v.foreground_index()),
            background_index: index(v.background_index()),
            is_paused: v.is_paused(),
            is_manual: v.is_manual(),
            is_new_session_pending: v.is_new_session_pending(),
            app_user_id: v.app_user_id().map(str::to_owned),
        }
    }
}

/// Rule 17: `open` found a damaged file and replaced it, or found invalid
/// stored values and reset them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecoveryReport {
    /// Where the damaged file was moved (never deleted); none when the file
    /// was kept and only invalid stored values were reset.
    pub moved_to: Option<String>,
    /// What was wrong, in one line: the damage, or the namespace and value reset.
    pub reason: String,
}

/// Indexes are capped at `i32::MAX` by rule 14, so this never saturates.
fn index(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// A session tracker for one namespace of one database file. Thread-safe:
/// calls on one object are serialised; objects on one file stay consistent.
#[derive(uniffi::Object)]
pub struct SessionTracker {
    inner: Mutex<Option<Tracker>>,
}

impl SessionTracker {
    fn with<R>(&self, call: impl FnOnce(&mut Tracker) -> crate::error::Result<R>) -> Result<R, SessionCoreError> {
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let tracker = guard.as_mut().ok_or_else(|| SessionCoreError::Closed {
            detail: "the tracker was closed".into(),
        })?;
        guarded(|| call(tracker).map_err(SessionCoreError::from))
    }

    /// The locked, guarded state read every getter goes through; `read`
    /// copies out only what the getter returns.
    fn view<R>(&self, read: impl FnOnce(&StateView<'_>) -> R) -> Result<R, SessionCoreError> {
        self.with(|t| t.state().map(|view| read(&view)))
    }
}

/// Turns a panic into `Internal` so that none crosses the FFI boundary; the
/// tracker stays usable because a panicking update never committed.
pub(crate) fn guarded<R>(call: impl FnOnce() -> Result<R, SessionCoreError>) -> Result<R, SessionCoreError> {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|panic| Err(panic_error(panic)))
}

// Not generic, so that every exported call shares one copy.
#[inline(never)]
fn panic_error(panic: Box<dyn std::any::Any + Send>) -> SessionCoreError {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic without a message".into());
    SessionCoreError::Internal { detail: message }
}

#[uniffi::export]
impl SessionTracker {
    /// Opens (creating, migrating or recovering) the SQLite file `path` for
    /// `namespace`, 1 to 128 bytes of UTF-8 (rules 11, 17). Blocks: call it off the main thread.
    #[uniffi::constructor]
    pub fn open(path: String, namespace: String, config: TrackerConfig) -> Result<Arc<Self>, SessionCoreError> {
        crate::logging::ensure_installed();
        guarded(|| {
            let durability = config.durability.unwrap_or_default();
            let tracker = Tracker::open(Path::new(&path), &namespace, config.into(), durability)?;
            Ok(Arc::new(SessionTracker {
                inner: Mutex::new(Some(tracker)),
            }))
        })
    }

    /// Tracks a plain event; `event_id` is the event's UUID, or none to have
    /// one generated. `at` is for tests and tools: without it the core reads
    /// the clocks after it holds the write lock, so that call order is time order.
    #[uniffi::method(default(event_id = None, at = None))]
    pub fn track(
        &self,
        event_id: Option<String>,
        at: Option<ClockReading>,
    ) -> Result<Option<SessionEvent>, SessionCoreError> {
        self.with(|t| {
            t.track(at.map(Moment::from), event_id.as_deref())
                .map(|o| o.map(SessionEvent::from))
        })
    }

    /// The app went to the background; none when it already was.
    #[uniffi::method(default(event_id = None, at = None))]
    pub fn background(
        &self,
        event_id: Option<String>,
        at: Option<ClockReading>,
    ) -> Result<Option<SessionEvent>, SessionCoreError> {
        self.with(|t| {
            t.background(at.map(Moment::from), event_id.as_deref())
                .map(|o| o.map(SessionEvent::from))
        })
    }

    /// The app came to the foreground; none when it already was.
    #[uniffi::method(default(event_id = None, at = None))]
    pub fn foreground(
        &self,
        event_id: Option<String>,
        at: Option<ClockReading>,
    ) -> Result<Option<SessionEvent>, SessionCoreError> {
        self.with(|t| {
            t.foreground(at.map(Moment::from), event_id.as_deref())
                .map(|o| o.map(SessionEvent::from))
        })
    }

    /// Rule 5: the state the process really started in (a push or a
    /// background fetch starts it in the background); no event, no entity.
    pub fn launch(&self, in_background: bool) -> Result<(), SessionCoreError> {
        self.with(|t| t.launch(in_background))
    }

    /// Stops sessions from expiring or starting (events still count) until
    /// `resume`; a change of anonymity still starts one (rule 7). Not stored.
    pub fn pause(&self) -> Result<(), SessionCoreError> {
        self.with(|t| {
            t.set_paused(true);
            Ok(())
        })
    }

    /// Checks again from the next event, against the last unpaused activity (rule 7).
    pub fn resume(&self) -> Result<(), SessionCoreError> {
        self.with(|t| {
            t.set_paused(false);
            Ok(())
        })
    }

    /// The next event starts a new session (reason `requested`); also leaves
    /// manual mode (rules 8, 10). Stored.
    pub fn start_new_session(&self) -> Result<(), SessionCoreError> {
        self.with(Tracker::start_new_session)
    }

    /// Ends the current session and returns it (rules 10, 19); none when there was none.
    pub fn end_session(&self) -> Result<Option<EndedSession>, SessionCoreError> {
        self.with(|t| t.end_session().map(|e| e.map(EndedSession::from)))
    }

    /// Switches to manual mode and starts a session now; returns the session
    /// it replaced, unless its end was already reported (rules 10, 19).
    #[uniffi::method(default(custom_id = None, at = None))]
    pub fn start_manual_session(
        &self,
        custom_id: Option<i64>,
        at: Option<ClockReading>,
    ) -> Result<Option<EndedSession>, SessionCoreError> {
        self.with(|t| {
            t.start_manual_session(at.map(Moment::from), custom_id)
                .map(|e| e.map(EndedSession::from))
        })
    }

    /// Ends the session if its timeout or maximum duration has passed and
    /// returns it (rule 19); a timer calls it so that a `session_end` comes
    /// even when the user does not. `at` as for `track`.
    #[uniffi::method(default(at = None))]
    pub fn expire_if_idle(&self, at: Option<ClockReading>) -> Result<Option<EndedSession>, SessionCoreError> {
        self.with(|t| {
            t.expire_if_idle(at.map(Moment::from))
                .map(|e| e.map(EndedSession::from))
        })
    }

    /// Logout (rule 20): ends the session (returned), clears the app user id,
    /// and with `new_user_id` gives the install a new user id for every
    /// namespace of the file, whose sessions then start again at index 1.
    pub fn reset(&self, new_user_id: bool) -> Result<Option<EndedSession>, SessionCoreError> {
        self.with(|t| t.reset(new_user_id).map(|e| e.map(EndedSession::from)))
    }

    /// Takes over another tracker's stored identity and session when this
    /// namespace has none yet (rule 21); false when it changed nothing.
    pub fn import_state(&self, state: ImportedState) -> Result<bool, SessionCoreError> {
        self.with(|t| t.import_state(state.into()))
    }

    /// Sets this tracker object's anonymity (rule 9); an event in the other mode
    /// than its session's starts a new session. Not stored.
    pub fn set_anonymous(&self, anonymous: bool) -> Result<(), SessionCoreError> {
        self.with(|t| {
            t.set_anonymous(anonymous);
            Ok(())
        })
    }

    /// Stores the app's own user id for the namespace, 1 to 255 bytes; none
    /// clears it (rule 15).
    pub fn set_app_user_id(&self, app_user_id: Option<String>) -> Result<(), SessionCoreError> {
        self.with(|t| t.set_app_user_id(app_user_id.as_deref()))
    }

    /// Every getter's value at once, from one read (rule 13).
    pub fn state(&self) -> Result<SessionState, SessionCoreError> {
        self.view(|v| SessionState::from(v))
    }

    /// The install's user id; the nil UUID in anonymous mode (rules 1, 9).
    pub fn user_id(&self) -> Result<String, SessionCoreError> {
        self.view(|v| v.user_id().to_owned())
    }

    /// The current session's id; none before the first session and after it ended (rule 2).
    pub fn session_id(&self) -> Result<Option<String>, SessionCoreError> {
        self.view(|v| v.session_id().map(str::to_owned))
    }

    /// The current session's index, from 1; none without a session (rule 2).
    pub fn session_index(&self) -> Result<Option<i32>, SessionCoreError> {
        self.view(|v| v.session_index().map(index))
    }

    /// Whether the app is in the background, as the last transition or launch reported (rule 5).
    pub fn is_in_background(&self) -> Result<bool, SessionCoreError> {
        self.view(|v| v.is_in_background())
    }

    /// Moves to the background in the current session; 0 without a session (rule 5).
    pub fn background_index(&self) -> Result<i32, SessionCoreError> {
        self.view(|v| index(v.background_index()))
    }

    /// Moves to the foreground in the current session; 0 without a session (rule 5).
    pub fn foreground_index(&self) -> Result<i32, SessionCoreError> {
        self.view(|v| index(v.foreground_index()))
    }

    /// Set when `open` moved a damaged file aside and started afresh (also
    /// when another tracker's `open` did so while this one waited), or when
    /// invalid stored values were reset; the latest such event.
    pub fn recovery(&self) -> Result<Option<RecoveryReport>, SessionCoreError> {
        self.with(|t| {
            Ok(t.recovery().map(|r| RecoveryReport {
                moved_to: r.moved_to.as_ref().map(|p| p.display().to_string()),
                reason: r.reason.clone(),
            }))
        })
    }

    /// Test hook (rule 14): overwrite the current session's indexes.
    pub fn set_indexes_for_testing(&self, session_index: i64, event_index: i64) -> Result<(), SessionCoreError> {
        self.with(|t| t.set_indexes_for_testing(session_index, event_index))
    }

    /// Closes the database; later calls fail with `Closed`. Closing twice is harmless.
    /// (Not `close`: the generated Kotlin class already has `close()` from `AutoCloseable`.)
    pub fn close_storage(&self) -> Result<(), SessionCoreError> {
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard.take();
        Ok(())
    }
}
