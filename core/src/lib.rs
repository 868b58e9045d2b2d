//! sessioncore: mobile analytics session tracking with identical semantics on
//! every platform. The rules are in `docs/semantics.md`; `engine` implements
//! them purely, `storage` persists them in SQLite, `tracker` joins the two,
//! and `api` is the thin layer exported through uniffi.

#![deny(missing_docs)]

mod api;
mod clock;
mod engine;
mod error;
#[cfg(feature = "jvm-bench")]
mod jvm_bench;
mod jvm_fast_path;
mod logging;
#[cfg(test)]
mod scratch;
mod storage;
mod tracker;

pub use api::{
    BootClockReading, ClockReading, EndedSession, ImportedState, RecoveryReport, SessionCoreError, SessionEvent,
    SessionState, SessionTracker, TrackerConfig,
};
pub use engine::{format_iso8601, NewSessionReason, NIL_UUID};
pub use logging::{set_log_level, LogLevel};
pub use storage::{Durability, SCHEMA_VERSION};

uniffi::setup_scaffolding!();
