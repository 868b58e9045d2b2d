//! Every scenario of `tests/scenarios` (and of `SESSIONCORE_SCENARIOS`, when
//! set) through Rust's driver and the checker, which also validates every
//! entity against the Snowplow `client_session` 1-0-2 schema; with
//! `SESSIONCORE_RESULTS_DIR` set, the traces and verdicts the parity table
//! compares every language with. Then the negative controls.

use sessioncore_conformance::{check, load, parity_table, replay, scenario_files, Scenario};
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

fn negative(name: &str) -> PathBuf {
    repo_root()
        .join("tests/conformance/negative")
        .join(format!("{name}.json"))
}

#[test]
fn every_scenario_meets_its_expectations_through_rust() {
    let results = std::env::var_os("SESSIONCORE_RESULTS_DIR").map(PathBuf::from);
    if let Some(dir) = &results {
        std::fs::create_dir_all(dir.join("traces/rust")).unwrap();
    }
    let (mut table, mut failures) = (String::new(), Vec::new());
    let files = scenario_files(&scenario_dirs()).unwrap();
    for file in &files {
        let scenario = load(file).unwrap_or_else(|e| panic!("{e}"));
        let (trace, verdict) = replay(&scenario);
        let line = match &verdict {
            Ok(()) => format!("{}\tpass\t", scenario.name),
            Err(failure) => format!("{}\tfail\t{failure}", scenario.name),
        };
        println!("{line}");
        if verdict.is_err() {
            failures.push(line.clone());
        }
        table.push_str(&line);
        table.push('\n');
        if let Some(dir) = &results {
            std::fs::write(dir.join(format!("traces/rust/{}.jsonl", scenario.name)), trace).unwrap();
        }
    }
    if let Some(dir) = &results {
        std::fs::write(dir.join("rust.tsv"), table).unwrap();
    }
    assert!(files.len() >= 40, "only {} scenarios", files.len());
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{failures:#?}",
        failures.len(),
        files.len()
    );
}

#[test]
fn the_suite_covers_every_rule() {
    let files = scenario_files(&[repo_root().join("tests/scenarios")]).unwrap();
    let scenarios: Vec<Scenario> = files.iter().map(|f| load(f).unwrap()).collect();
    let semantics = std::fs::read_to_string(repo_root().join("docs/semantics.md")).unwrap();
    let rules: BTreeSet<u32> = semantics
        .lines()
        .filter_map(|l| l.strip_prefix("## ")?.split('.').next()?.parse().ok())
        .collect();
    assert!(rules.len() >= 17, "semantics.md has {} numbered rules", rules.len());
    let covered: BTreeSet<u32> = scenarios.iter().flat_map(|s| s.rules.iter().copied()).collect();
    let uncovered: Vec<&u32> = rules.difference(&covered).collect();
    assert!(uncovered.is_empty(), "rules without a scenario: {uncovered:?}");
    let unknown: Vec<&u32> = covered.difference(&rules).collect();
    assert!(
        unknown.is_empty(),
        "scenarios cite rules that do not exist: {unknown:?}"
    );
}

#[test]
fn a_wrong_expectation_fails_at_its_step() {
    let scenario = load(&negative("wrong-expectation")).unwrap();
    let (_, verdict) = replay(&scenario);
    assert_eq!(
        verdict.unwrap_err().to_string(),
        "step 2 `track`: eventIndex: expected 3, got 2"
    );
}

#[test]
fn an_unknown_op_or_expectation_key_is_refused_before_anything_runs() {
    let op = load(&negative("unknown-op")).unwrap_err();
    assert!(op.contains("unknown variant `trak`"), "{op}");
    let key = load(&negative("unknown-expectation-key")).unwrap_err();
    assert!(key.contains("unknown field `evntIndex`"), "{key}");
}

#[test]
fn a_trace_that_drops_or_changes_a_field_fails() {
    let scenario = load(&repo_root().join("tests/scenarios/first-event-starts-session.json")).unwrap();
    let (trace, verdict) = replay(&scenario);
    assert_eq!(verdict, Ok(()));
    let forgetful = trace.replacen("\"amplitudeSessionId\":", "\"amplitudeSessionID\":", 1);
    let failure = check(&scenario, &forgetful).unwrap_err();
    assert_eq!((failure.step, failure.op.as_str()), (2, "track"), "{failure}");
    assert!(failure.message.contains("no `amplitudeSessionId`"), "{failure}");

    // Parity: a language whose trace meets the expectations but drops a
    // field no expectation names still differs from Rust.
    let dir = std::env::temp_dir().join(format!("sessioncore-parity-{}", std::process::id()));
    for (language, text) in [
        ("rust", trace.clone()),
        ("python", drop_field(&trace, "sessionStartMs")),
    ] {
        std::fs::create_dir_all(dir.join("traces").join(language)).unwrap();
        std::fs::write(dir.join(format!("traces/{language}/{}.jsonl", scenario.name)), text).unwrap();
        std::fs::write(
            dir.join(format!("{language}.tsv")),
            format!("{}\tpass\t\n", scenario.name),
        )
        .unwrap();
    }
    let table = parity_table(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!table.ok, "{}", table.text);
    assert!(
        table
            .text
            .contains("returned.sessionStartMs: Rust 1700000000000, this (absent)"),
        "{}",
        table.text
    );
}

/// The trace with `key` removed from every returned record.
fn drop_field(trace: &str, key: &str) -> String {
    trace
        .lines()
        .map(|line| {
            let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
            if let Some(returned) = value["returned"].as_object_mut() {
                returned.remove(key);
            }
            format!("{value}\n")
        })
        .collect()
}
