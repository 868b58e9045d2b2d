//! One namespace's tracker: the engine's rules applied to the stored state,
//! one committed transaction per change. Plain Rust; `api` wraps it for FFI.

use crate::clock;
use crate::engine::{
    new_uuid, normalize_event_id, validate_namespace, EventContext, EventOutput, ImportedState, Moment, NamespaceState,
    SessionSummary, Settings, StateView, Transition, MAX_APP_USER_ID_BYTES, MAX_INDEX, MIN_CUSTOM_SESSION_ID,
};
use crate::error::{Error, Result};
use crate::storage::{Durability, Recovery, Store};
use std::path::Path;

pub struct Tracker {
    store: Store,
    settings: Settings,
    paused: bool,
}

impl Tracker {
    pub fn open(path: &Path, namespace: &str, settings: Settings, durability: Durability) -> Result<Tracker> {
        settings.validate()?;
        validate_namespace(namespace)?;
        let store = Store::open(path, namespace, durability)?;
        let mut tracker = Tracker {
            store,
            settings,
            paused: false,
        };
        if !tracker.settings.continue_session_on_restart {
            tracker.update(|state| {
                state.mark_restart();
                Ok(())
            })?;
        }
        Ok(tracker)
    }

    pub fn track(&mut self, at: Option<Moment>, event_id: Option<&str>) -> Result<Option<EventOutput>> {
        self.record(at, event_id, None)
    }

    pub fn background(&mut self, at: Option<Moment>, event_id: Option<&str>) -> Result<Option<EventOutput>> {
        self.record(at, event_id, Some(Transition::Background))
    }

    pub fn foreground(&mut self, at: Option<Moment>, event_id: Option<&str>) -> Result<Option<EventOutput>> {
        self.record(at, event_id, Some(Transition::Foreground))
    }

    fn record(
        &mut self,
        at: Option<Moment>,
        event_id: Option<&str>,
        transition: Option<Transition>,
    ) -> Result<Option<EventOutput>> {
        let event_id = normalize_event_id(event_id)?;
        self.at_moment(at, |state, ctx, now| {
            state.record_event(ctx, now, &event_id, transition).flatten()
        })
    }

    /// Applies a change that needs the time: the one passed in, else the
    /// clocks read after the write lock is held ("Time").
    fn at_moment<R>(
        &mut self,
        at: Option<Moment>,
        change: impl FnOnce(&mut NamespaceState, &EventContext<'_>, &Moment) -> R,
    ) -> Result<R> {
        let at = at.map(Moment::validate).transpose()?;
        let (settings, paused) = (&self.settings, self.paused);
        self.store.update(|state, user_id| {
            let ctx = EventContext {
                settings,
                paused,
                user_id,
            };
            Ok(change(state, &ctx, &at.unwrap_or_else(clock::now)))
        })
    }

    /// Rule 5: the state the process started in, without an event.
    pub fn launch(&mut self, in_background: bool) -> Result<()> {
        self.update(|state| {
            state.launch(in_background);
            Ok(())
        })
    }

    /// Rule 7: pausing is a setting of this object, not stored.
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    pub fn start_new_session(&mut self) -> Result<()> {
        self.update(|state| {
            state.request_new_session();
            Ok(())
        })
    }

    pub fn end_session(&mut self) -> Result<Option<SessionSummary>> {
        self.update(|state| Ok(state.end_session()))
    }

    /// Rule 19: the clocks are read under the lock, as for an event.
    pub fn expire_if_idle(&mut self, at: Option<Moment>) -> Result<Option<SessionSummary>> {
        self.at_moment(at, |state, ctx, now| state.expire_if_idle(ctx, now))
    }

    /// Rule 20: with a new user id, one transaction over every namespace of the file.
    pub fn reset(&mut self, new_user_id: bool) -> Result<Option<SessionSummary>> {
        if !new_user_id {
            return self.update(|state| Ok(state.reset(false, true)));
        }
        let namespace = self.store.namespace().to_owned();
        self.store.update_file(|file| {
            file.user_id = new_uuid();
            let mut ended = None;
            for (name, state) in &mut file.namespaces {
                let summary = state.reset(true, *name == namespace);
                ended = ended.or(summary);
            }
            Ok(ended)
        })
    }

    /// Rule 21: takes over only where no session and no other user exist yet.
    pub fn import_state(&mut self, imported: ImportedState) -> Result<bool> {
        let import = imported.validate(self.settings.anonymous)?;
        let namespace = self.store.namespace().to_owned();
        self.store.update_file(|file| {
            let other_user = file.user_id != import.user_id;
            if other_user && file.namespaces.iter().any(|(_, state)| state.latest.is_some()) {
                return Ok(false);
            }
            let imported = file
                .namespace_mut(&namespace)
                .is_some_and(|state| state.import(&import));
            if imported {
                file.user_id.clone_from(&import.user_id);
            }
            Ok(imported)
        })
    }

    pub fn start_manual_session(
        &mut self,
        at: Option<Moment>,
        custom_id: Option<i64>,
    ) -> Result<Option<SessionSummary>> {
        if let Some(id) = custom_id.filter(|id| *id < MIN_CUSTOM_SESSION_ID) {
            return Err(Error::invalid_argument(
                "customId",
                format!("{id} is not a positive integer of at least 10 digits"),
            ));
        }
        self.at_moment(at, |state, ctx, now| {
            state.start_manual_session(now, custom_id, ctx.settings.anonymous)
        })
    }

    /// Rule 9: a setting of this object; the next event compares it with
    /// the mode its session was recorded in.
    pub fn set_anonymous(&mut self, anonymous: bool) {
        self.settings.anonymous = anonymous;
    }

    pub fn set_app_user_id(&mut self, app_user_id: Option<&str>) -> Result<()> {
        if let Some(id) = app_user_id {
            if id.is_empty() || id.len() > MAX_APP_USER_ID_BYTES {
                return Err(Error::invalid_argument(
                    "appUserId",
                    format!("must be 1 to {MAX_APP_USER_ID_BYTES} bytes long, got {}", id.len()),
                ));
            }
        }
        self.update(|state| {
            state.app_user_id = app_user_id.map(str::to_owned);
            Ok(())
        })
    }

    /// Test hook for rule 14, which would otherwise need 2^31 events.
    pub fn set_indexes_for_testing(&mut self, session_index: i64, event_index: i64) -> Result<()> {
        let in_range = |argument: &str, value: i64, min: i64| {
            u32::try_from(value)
                .ok()
                .filter(|v| i64::from(*v) >= min && *v <= MAX_INDEX)
                .ok_or_else(|| Error::invalid_argument(argument, format!("{value} is outside {min}..={MAX_INDEX}")))
        };
        let session_index = in_range("sessionIndex", session_index, 1)?;
        let event_index = in_range("eventIndex", event_index, 0)?;
        self.update(|state| {
            let session = state
                .active_session_mut()
                .ok_or_else(|| Error::invalid_argument("sessionIndex", "there is no session to change"))?;
            session.index = session_index;
            session.event_index = event_index;
            Ok(())
        })
    }

    /// The getters' view of the committed state (rule 13), refreshed when
    /// another connection committed since this tracker last looked.
    pub fn state(&mut self) -> Result<StateView<'_>> {
        self.store.refresh()?;
        Ok(StateView::new(
            self.store.state(),
            self.store.user_id(),
            self.settings.anonymous,
            self.paused,
        ))
    }

    pub fn recovery(&self) -> Option<&Recovery> {
        self.store.recovery()
    }

    fn update<R>(&mut self, change: impl FnOnce(&mut NamespaceState) -> Result<R>) -> Result<R> {
        self.store.update(|state, _| change(state))
    }
}
