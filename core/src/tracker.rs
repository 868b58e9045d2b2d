//! One namespace's tracker: the engine's rules applied to the stored state,
//! one committed transaction per change. Plain Rust; `api` wraps it for FFI.

use crate::engine::{
    normalize_event_id, validate_namespace, validate_time, EventContext, EventOutput, NamespaceState, Settings,
    StateView, Transition, MAX_APP_USER_ID_BYTES, MAX_INDEX, MIN_CUSTOM_SESSION_ID,
};
use crate::error::{Error, Result};
use crate::storage::{Recovery, Store};
use std::path::Path;

pub struct Tracker {
    store: Store,
    settings: Settings,
    paused: bool,
    /// The last committed state this tracker saw; refreshed before getters.
    state: NamespaceState,
}

impl Tracker {
    pub fn open(path: &Path, namespace: &str, settings: Settings) -> Result<Tracker> {
        settings.validate()?;
        validate_namespace(namespace)?;
        let (store, state) = Store::open(path, namespace)?;
        let mut tracker = Tracker {
            store,
            settings,
            paused: false,
            state,
        };
        if !tracker.settings.continue_session_on_restart {
            tracker.update(|state| {
                state.mark_restart();
                Ok(())
            })?;
        }
        Ok(tracker)
    }

    pub fn track(&mut self, now_ms: i64, event_id: Option<&str>) -> Result<Option<EventOutput>> {
        self.record(now_ms, event_id, None)
    }

    pub fn background(&mut self, now_ms: i64, event_id: Option<&str>) -> Result<Option<EventOutput>> {
        self.record(now_ms, event_id, Some(Transition::Background))
    }

    pub fn foreground(&mut self, now_ms: i64, event_id: Option<&str>) -> Result<Option<EventOutput>> {
        self.record(now_ms, event_id, Some(Transition::Foreground))
    }

    fn record(
        &mut self,
        now_ms: i64,
        event_id: Option<&str>,
        transition: Option<Transition>,
    ) -> Result<Option<EventOutput>> {
        let now_ms = validate_time("nowMs", now_ms)?;
        let event_id = normalize_event_id(event_id)?;
        let (settings, paused) = (&self.settings, self.paused);
        let user_id = self.store.user_id().to_owned();
        let ctx = EventContext {
            settings,
            paused,
            user_id: &user_id,
        };
        let (output, state) = self
            .store
            .update(|state| Ok(state.record_event(&ctx, now_ms, &event_id, transition).flatten()))?;
        self.state = state;
        Ok(output)
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

    pub fn end_session(&mut self) -> Result<()> {
        self.update(|state| {
            state.end_session();
            Ok(())
        })
    }

    pub fn start_manual_session(&mut self, now_ms: i64, custom_id: Option<i64>) -> Result<()> {
        let now_ms = validate_time("nowMs", now_ms)?;
        if let Some(id) = custom_id.filter(|id| *id < MIN_CUSTOM_SESSION_ID) {
            return Err(Error::invalid_argument(
                "customId",
                format!("{id} is not a positive integer of at least 10 digits"),
            ));
        }
        self.update(|state| {
            state.start_manual_session(now_ms, custom_id);
            Ok(())
        })
    }

    pub fn set_anonymous(&mut self, anonymous: bool) -> Result<()> {
        if anonymous == self.settings.anonymous {
            return Ok(());
        }
        self.update(|state| {
            state.mark_anonymity_changed();
            Ok(())
        })?;
        self.settings.anonymous = anonymous;
        Ok(())
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

    pub fn state(&mut self) -> Result<StateView> {
        if let Some(state) = self.store.reload_if_changed()? {
            self.state = state;
        }
        Ok(StateView::new(
            &self.state,
            self.store.user_id(),
            self.settings.anonymous,
            self.paused,
        ))
    }

    pub fn recovery(&self) -> Option<&Recovery> {
        self.store.recovery()
    }

    fn update<R>(&mut self, change: impl FnOnce(&mut NamespaceState) -> Result<R>) -> Result<R> {
        let (result, state) = self.store.update(change)?;
        self.state = state;
        Ok(result)
    }
}
