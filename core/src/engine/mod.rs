//! The pure session engine: the numbered rules of `docs/semantics.md` as a
//! state machine over [`NamespaceState`]. No clock, no I/O, no FFI types:
//! callers pass `now_ms` and persist the state the engine hands back.

mod decimal;
mod ids;
mod import;
mod output;
mod rules;
mod settings;
mod state;
mod time;

pub use ids::{new_uuid, normalize_event_id, NIL_UUID};
pub use import::ImportedState;
pub use output::{EventOutput, StateView};
pub use rules::{EventContext, Transition};
pub use settings::{validate_namespace, Settings};
pub use state::{
    NamespaceState, NewSessionReason, Session, SessionSummary, MAX_APP_USER_ID_BYTES, MAX_INDEX, MIN_CUSTOM_SESSION_ID,
};
pub use time::{format_iso8601, BootInstant, Moment, MAX_BOOT_ID_BYTES, MAX_TIME_MS};
