//! Rules 3-10 and 14 as transitions of [`NamespaceState`]. Every function
//! here is deterministic given its inputs (ids aside), which is what lets the
//! storage layer retry nothing and the model tests compare outputs exactly.

use super::ids::new_uuid;
use super::output::EventOutput;
use super::settings::Settings;
use super::state::{NamespaceState, NewSessionReason, Session, MAX_INDEX};

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

/// What rule 3 decides for one event.
enum Decision {
    Continue,
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
    /// Rules 3-5: one tracked event, optionally carrying a lifecycle
    /// transition. Returns `None` for a redundant transition (nothing changes)
    /// and `Some(None)` for an event that has no session to attach to.
    pub fn record_event(
        &mut self,
        ctx: &EventContext<'_>,
        now_ms: i64,
        event_id: &str,
        transition: Option<Transition>,
    ) -> Option<Option<EventOutput>> {
        if let Some(t) = transition {
            if self.in_background == t.target_in_background() {
                return None;
            }
        }
        let output = match self.decide(ctx, now_ms) {
            Decision::NoSession => None,
            Decision::Start(reason) => {
                self.start_session(now_ms, reason, None);
                Some(self.count_event(ctx, now_ms, event_id, transition))
            }
            Decision::Continue => Some(self.count_event(ctx, now_ms, event_id, transition)),
        };
        if let Some(t) = transition {
            self.in_background = t.target_in_background();
        }
        Some(output)
    }

    fn decide(&self, ctx: &EventContext<'_>, now_ms: i64) -> Decision {
        let Some(session) = self.active_session() else {
            return if ctx.paused || self.manual {
                Decision::NoSession
            } else if self.latest.is_some() {
                Decision::Start(NewSessionReason::SessionEnded)
            } else {
                Decision::Start(NewSessionReason::FirstSession)
            };
        };
        let checked = if ctx.paused {
            None
        } else if self.manual {
            self.pending
        } else {
            self.pending.or_else(|| self.expiry(ctx.settings, session, now_ms))
        };
        match checked {
            Some(reason) => Decision::Start(reason),
            None if session.event_index == MAX_INDEX => Decision::Start(NewSessionReason::EventIndexLimit),
            None => Decision::Continue,
        }
    }

    /// Rule 3 (c)-(e): the session's own clock-based end conditions.
    fn expiry(&self, settings: &Settings, session: &Session, now_ms: i64) -> Option<NewSessionReason> {
        if now_ms < session.last_activity_ms {
            return Some(NewSessionReason::ClockMovedBackwards);
        }
        if now_ms - session.last_activity_ms > settings.timeout_ms(self.in_background) {
            return Some(if self.in_background {
                NewSessionReason::BackgroundTimeout
            } else {
                NewSessionReason::ForegroundTimeout
            });
        }
        match settings.max_session_duration_ms {
            Some(max) if now_ms - session.start_ms > max => Some(NewSessionReason::MaxDuration),
            _ => None,
        }
    }

    fn start_session(&mut self, now_ms: i64, reason: NewSessionReason, custom_id: Option<i64>) {
        let previous = self.latest.as_ref();
        self.latest = Some(Session {
            id: new_uuid(),
            previous_id: previous.map(|s| s.id.clone()),
            index: previous.map_or(1, |s| s.index.saturating_add(1).min(MAX_INDEX)),
            event_index: 0,
            first_event_id: None,
            first_event_ms: None,
            start_ms: now_ms,
            last_activity_ms: now_ms,
            foreground_index: 0,
            background_index: 0,
            start_reason: reason,
            custom_id,
        });
        self.ended = false;
        self.pending = None;
    }

    /// Rule 4 and the index half of rule 5, for an event that has a session.
    fn count_event(
        &mut self,
        ctx: &EventContext<'_>,
        now_ms: i64,
        event_id: &str,
        transition: Option<Transition>,
    ) -> EventOutput {
        let session = self.latest.as_mut().expect("a session was started or is active");
        session.event_index += 1;
        if session.first_event_id.is_none() {
            session.first_event_id = Some(event_id.to_owned());
            session.first_event_ms = Some(now_ms);
        }
        if !ctx.paused {
            session.last_activity_ms = now_ms;
        }
        match transition {
            Some(Transition::Background) => session.background_index += 1,
            Some(Transition::Foreground) => session.foreground_index += 1,
            None => {}
        }
        EventOutput::new(self, ctx, event_id)
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

    /// Rule 9: called only when the anonymity setting really changes.
    pub fn mark_anonymity_changed(&mut self) {
        self.pending.get_or_insert(NewSessionReason::AnonymityChanged);
    }

    /// Rule 10. The custom id is validated by the caller.
    pub fn start_manual_session(&mut self, now_ms: i64, custom_id: Option<i64>) {
        self.manual = true;
        self.start_session(now_ms, NewSessionReason::ManualStart, custom_id);
    }

    /// Rule 10: the session stays as `latest` so the next one links to it.
    pub fn end_session(&mut self) {
        if self.latest.is_some() {
            self.ended = true;
        }
    }
}
