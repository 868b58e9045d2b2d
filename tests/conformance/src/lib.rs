//! The one conformance checker of sessioncore, shared by every language.
//!
//! A scenario (`tests/scenarios/*.json`, format in `docs/scenario-format.md`)
//! is checked in three moves, the same for Rust, Kotlin, Swift, Python and
//! Dart:
//! 1. [`resolve`] turns it into the concrete steps a driver runs: labels
//!    become UUIDs, times become epoch milliseconds, configurations whole;
//! 2. a thin driver per language runs those steps through that language's
//!    public wrapper and writes a trace, one JSON line per step with what
//!    the call returned (or the error's kind) and every getter afterwards
//!    (this crate's [`drive`] is Rust's);
//! 3. [`check`] holds the trace against the scenario's expectations, and
//!    [`parity`] holds every language's trace against Rust's, byte for byte
//!    once real ids are replaced by labels in first-seen order.
//!
//! The other languages reach steps 1 and 3 through the `conformance` binary.

mod check;
mod driver;
mod labels;
mod load;
mod model;
mod parity;
mod resolve;
mod trace;

pub use check::{check, Failure};
pub use driver::drive;
pub use load::{load, scenario_files};
pub use model::{Op, Scenario, ERROR_KINDS};
pub use parity::{parity_table, Table};
pub use resolve::resolve;
pub use trace::normalize;

/// Resolves, drives through Rust and checks one scenario: the trace (one
/// JSON line per step) and the verdict.
pub fn replay(scenario: &Scenario) -> (String, Result<(), Failure>) {
    let trace = drive(&resolve(scenario).to_string());
    let verdict = check(scenario, &trace);
    (trace, verdict)
}
