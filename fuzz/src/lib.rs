//! The fuzz targets' bodies, shared with `core/tests/fuzz_corpus.rs`, which
//! replays the seed corpus in the normal test suite.

#[path = "targets.rs"]
mod targets;

pub use targets::{engine_ops, scenario_parser};
