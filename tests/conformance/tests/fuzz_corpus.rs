//! Replays the fuzz targets' seed corpus (fuzz/corpus/) through the same
//! target bodies, so the suite runs them without cargo-fuzz.

#[path = "../../../fuzz/src/targets.rs"]
mod targets;

use std::path::Path;

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let inputs: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert!(inputs.len() >= 5, "the seed corpus of {target} is there");
    inputs
}

#[test]
fn scenario_parser_seed_corpus() {
    corpus("scenario_parser")
        .iter()
        .for_each(|input| targets::scenario_parser(input));
}

#[test]
fn engine_ops_seed_corpus() {
    corpus("engine_ops").iter().for_each(|input| targets::engine_ops(input));
}
