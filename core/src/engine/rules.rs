//! Rules 3-10, 14 and 18-21 as transitions of [`NamespaceState`]. Every function
//! here is deterministic given its inputs (ids aside), which is what lets the
//! storage layer retry nothing and the model tests compare outputs exactly.

use super::ids::new_uuid;
use super::output::EventOutput;
use super::settings::Settings;
use super::state::{NamespaceState, NewSessionReason, Session, SessionSummary, MAX_INDEX};
use super::time::Moment;

/// The lifecycle change an event carries (rule 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Background,
    Foreground,
}

impl Transition {
    fn target_in_background(self) -> bool {
        self == Transition::Background
    }
}

/// What rules 3, 14 and 18 decide for one event.
enum Decision {
    /// Count the event in the current session; `extends` moves its last activity.
    Continue {
        extends: bool,
    },
    Start(NewSessionReason),
    NoSession,
}

/// The per-object context an event is judged in.
pub struct EventContext<'a> {
    pub settings: &'a Settings,
    pub paused: bool,
    pub user_id: &'a str,
}

impl NamespaceState {
    /// Rules 3-5 and 18: one tracked event, optionally carrying a lifecycle
    /// transition. Returns `None` for a redundant transition (nothing
    /// changes) and `Some(None)` for an event that has no session to attach to.
    pub fn record_event(
        &mut self,
        ctx: &EventContext<'_>,
        now: &Moment,
        event_id: &str,
        transition: Option<Transition>,
    ) -> Option<Option<EventOutput>> {
        if let Some(t) = transition {
            if self.in_background == t.target_in_background() {
                return None;
            }
        }
        let output = match self.decide(ctx, now, transition) {
            Decision::NoSession => None,
            Decision::Start(reason) => {
                let ended = self.start_session(now, reason, None, ctx.settings.anonymous);
                let mut output = self.count_event(ctx, now, event_id, transition, true);
                output.ended_session = ended;
                Some(output)
            }
            Decision::Continue { extends } => Some(self.count_event(ctx, now, event_id, transition, extends)),
        };
        if let Some(t) = transition {
            self.in_background = t.target_in_background();
        }
        Some(output)
    }

    fn decide(&self, ctx: &EventContext<'_>, now: &Moment, transition: Option<Transition>) -> Decision {
        // Rule 18: a background event (every event but the user coming back)
        // may attach to a live session, but never starts or extends one.
        let background_only = !ctx.settings.background_events_start_sessions
            && self.in_background
            && transition != Some(Transition::Foreground);
        let Some(session) = self.active_session() else {
            return if ctx.paused || self.manual || background_only {
                Decision::NoSession
            } else if self.latest.is_some() {
                Decision::Start(self.end_reason.unwrap_or(NewSessionReason::SessionEnded))
            } else {
                Decision::Start(NewSessionReason::FirstSession)
            };
        };
        // Rule 9 holds even while paused: no session spans both modes.
        let mode_changed = (session.anonymous != ctx.settings.anonymous).then_some(NewSessionReason::AnonymityChanged);
        let checked = if ctx.paused {
            mode_changed
        } else if self.manual {
            self.pending.or(mode_changed)
        } else {
            self.pending
                .or(mode_changed)
                .or_else(|| self.expiry(ctx.settings, session, now))
        };
        match checked {
            _ if background_only && (checked.is_some() || session.event_index == MAX_INDEX) => Decision::NoSession,
            Some(reason) => Decision::Start(reason),
            None if session.event_index == MAX_INDEX => Decision::Start(NewSessionReason::EventIndexLimit),
            None => Decision::Continue {
                extends: !ctx.paused && !background_only,
            },
        }
    }

    /// Rule 3 (c)-(e): the session's own clock-based end conditions.
    fn expiry(&self, settings: &Settings, session: &Session, now: &Moment) -> Option<NewSessionReason> {
        if now.since(&session.last_activity) < 0 {
            return Some(NewSessionReason::ClockMovedBackwards);
        }
        self.timed_out(settings, session, now)
    }

    /// Rule 3 (d)-(e): the inactivity timeout or the maximum duration has passed.
    fn timed_out(&self, settings: &Settings, session: &Session, now: &Moment) -> Option<NewSessionReason> {
        if now.since(&session.last_activity) > settings.timeout_ms(self.in_background) {
            return Some(if self.in_background {
                NewSessionReason::BackgroundTimeout
            } else {
                NewSessionReason::ForegroundTimeout
            });
        }
        match settings.max_session_duration_ms {
            Some(max) if now.since(&session.start) > max => Some(NewSessionReason::MaxDuration),
            _ => None,
        }
    }

    /// Starts a new session; returns the one it replaces when its end was
    /// not reported yet (rule 19).
    fn start_session(
        &mut self,
        now: &Moment,
        reason: NewSessionReason,
        custom_id: Option<i64>,
        anonymous: bool,
    ) -> Option<SessionSummary> {
        let replaced = self.unreported_end();
        let previous = self.latest.as_ref().filter(|_| !self.new_user);
        self.latest = Some(Session {
            id: new_uuid(),
            previous_id: previous.map(|s| s.id.clone()),
            index: previous.map_or(1, |s| s.index.saturating_add(1).min(MAX_INDEX)),
            event_index: 0,
            first_event_id: None,
            first_event_ms: None,
            start: now.clone(),
            last_activity: now.clone(),
            foreground_index: 0,
            background_index: 0,
            start_reason: reason,
            custom_id,
            anonymous,
        });
        self.ended = false;
        self.end_reason = None;
        self.end_reported = false;
        self.new_user = false;
        self.pending = None;
        replaced
    }

    /// `latest`'s summary, unless its end was already reported.
    fn unreported_end(&self) -> Option<SessionSummary> {
        self.latest
            .as_ref()
            .filter(|_| !self.end_reported)
            .map(Session::summary)
    }

    /// Ends the active session now, for the reason the next one will give,
    /// and reports it (rule 19). None when there is no active session.
    fn end_now(&mut self, reason: Option<NewSessionReason>) -> Option<SessionSummary> {
        self.active_session()?;
        let summary = self.unreported_end();
        self.ended = true;
        self.end_reason = reason;
        self.end_reported = true;
        summary
    }

    /// Rule 4 and the index half of rule 5, for an event that has a session.
    fn count_event(
        &mut self,
        ctx: &EventContext<'_>,
        now: &Moment,
        event_id: &str,
        transition: Option<Transition>,
        extends: bool,
    ) -> EventOutput {
        let session = self.latest.as_mut().expect("a session was started or is active");
        session.event_index += 1;
        if session.first_event_id.is_none() {
            session.first_event_id = Some(event_id.to_owned());
            session.first_event_ms = Some(now.wall_ms);
        }
        if extends {
            session.last_activity = now.clone();
        }
        match transition {
            Some(Transition::Background) => session.background_index += 1,
            Some(Transition::Foreground) => session.foreground_index += 1,
            None => {}
        }
        EventOutput::new(self, ctx, event_id)
    }

    /// Rule 5: the state the process started in, reported by the lifecycle
    /// glue; no event, so no session changes.
    pub fn launch(&mut self, in_background: bool) {
        self.in_background = in_background;
    }

    /// Rule 8.
    pub fn request_new_session(&mut self) {
        self.manual = false;
        self.pending.get_or_insert(NewSessionReason::Requested);
    }

    /// Rule 6 with `continueSessionOnRestart = false`.
    pub fn mark_restart(&mut self) {
        if self.active_session().is_some() {
            self.pending.get_or_insert(NewSessionReason::Restart);
        }
    }

    /// Rule 10. The custom id is validated by the caller. Returns the
    /// session it replaces, when not reported yet (rule 19).
    pub fn start_manual_session(
        &mut self,
        now: &Moment,
        custom_id: Option<i64>,
        anonymous: bool,
    ) -> Option<SessionSummary> {
        self.manual = true;
        self.start_session(now, NewSessionReason::ManualStart, custom_id, anonymous)
    }

    /// Rule 10: the session stays as `latest` so the next one links to it.
    /// Returns it (rule 19).
    pub fn end_session(&mut self) -> Option<SessionSummary> {
        self.end_now(None)
    }

    /// Rule 19: ends the active session when its inactivity timeout or
    /// maximum duration has passed, as the next event would, and reports it.
    /// Paused or manual sessions never expire.
    pub fn expire_if_idle(&mut self, ctx: &EventContext<'_>, now: &Moment) -> Option<SessionSummary> {
        if ctx.paused || self.manual {
            return None;
        }
        let reason = self.timed_out(ctx.settings, self.active_session()?, now)?;
        self.end_now(Some(reason))
    }

    /// Rule 20 for one namespace: ends the session (reported by this call,
    /// or, for the file's other namespaces, by their next event), clears the
    /// app user id and leaves manual mode; the next event starts a new
    /// session (reason `reset`), a new user's first when `new_user`.
    pub fn reset(&mut self, new_user: bool, reported_here: bool) -> Option<SessionSummary> {
        let summary = self.unreported_end().filter(|_| reported_here);
        if self.latest.is_some() {
            self.ended = true;
            self.end_reason = Some(NewSessionReason::Reset);
            self.end_reported |= reported_here;
        }
        self.new_user |= new_user;
        self.pending = None;
        self.manual = false;
        self.app_user_id = None;
        summary
    }
}
