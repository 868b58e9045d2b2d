//! Replays every scenario of `tests/scenarios` (and of the directory named by
//! `SESSIONCORE_SCENARIOS`, when set) through the Rust API, validating every
//! emitted entity against the Snowplow `client_session` 1-0-2 schema.

use sessioncore_conformance as scenario;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scenario_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![repo_root().join("tests/scenarios")];
    if let Some(extra) = std::env::var_os("SESSIONCORE_SCENARIOS").filter(|v| !v.is_empty()) {
        dirs.push(PathBuf::from(extra));
    }
    dirs
}

fn schema_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo_root().join("tests/schemas/client_session-1-0-2.json")).unwrap();
    let mut schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The iglu meta-schema and `self` block are registry metadata, not
    // validation keywords; the properties are plain JSON Schema.
    let object = schema.as_object_mut().unwrap();
    object.remove("$schema");
    object.remove("self");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn check_entity(validator: &jsonschema::Validator, entity: &serde_json::Value) -> Result<(), String> {
    if entity["schema"] != "iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2" {
        return Err(format!("wrong schema URI in {entity}"));
    }
    let errors: Vec<String> = validator.iter_errors(&entity["data"]).map(|e| e.to_string()).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "entity {entity} violates client_session 1-0-2: {}",
            errors.join("; ")
        ))
    }
}

#[test]
fn every_scenario_passes_and_every_entity_validates() {
    let validator = schema_validator();
    let scenarios = scenario::load(&scenario_dirs()).expect("scenario files parse");
    let mut results = Vec::new();
    for (path, scenario) in &scenarios {
        let outcome = scenario::run(scenario, &|entity| check_entity(&validator, entity));
        let line = match &outcome {
            Ok(_) => format!("{}\tpass\t", scenario.name),
            Err(f) => format!("{}\tfail\tstep {}: {}", scenario.name, f.step, f.message),
        };
        println!("{line}  ({})", path.display());
        results.push((line, outcome.is_ok()));
    }
    if let Some(dir) = std::env::var_os("SESSIONCORE_RESULTS_DIR") {
        let table: String = results.iter().map(|(line, _)| format!("{line}\n")).collect();
        std::fs::write(Path::new(&dir).join("rust.tsv"), table).unwrap();
    }
    let failures: Vec<&String> = results.iter().filter(|(_, ok)| !ok).map(|(line, _)| line).collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{failures:#?}",
        failures.len(),
        scenarios.len()
    );
}

#[test]
fn the_suite_is_large_and_covers_every_rule() {
    let scenarios = scenario::load(&[repo_root().join("tests/scenarios")]).unwrap();
    assert!(scenarios.len() >= 40, "only {} scenarios", scenarios.len());
    let semantics = std::fs::read_to_string(repo_root().join("docs/semantics.md")).unwrap();
    let rules: BTreeSet<u32> = semantics
        .lines()
        .filter_map(|l| l.strip_prefix("## ")?.split('.').next()?.parse().ok())
        .collect();
    assert!(rules.len() >= 17, "semantics.md has {} numbered rules", rules.len());
    let covered: BTreeSet<u32> = scenarios.iter().flat_map(|(_, s)| s.rules.iter().copied()).collect();
    let uncovered: Vec<&u32> = rules.difference(&covered).collect();
    assert!(uncovered.is_empty(), "rules without a scenario: {uncovered:?}");
    let unknown: Vec<&u32> = covered.difference(&rules).collect();
    assert!(
        unknown.is_empty(),
        "scenarios cite rules that do not exist: {unknown:?}"
    );
}

#[test]
fn the_validator_rejects_a_broken_entity() {
    let validator = schema_validator();
    let bad = serde_json::json!({
        "schema": "iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2",
        "data": {"userId": "x", "sessionId": "not-a-uuid", "sessionIndex": -1, "storageMechanism": "SQLITE"}
    });
    let error = check_entity(&validator, &bad).unwrap_err();
    assert!(error.contains("sessionId") || error.contains("uuid"), "{error}");
}
