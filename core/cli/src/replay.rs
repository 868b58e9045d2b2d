//! `sessioncore replay [--print] PATH...`: each scenario through the Rust
//! driver and the conformance checker, as every language's suite does it.

use crate::CliError;
use serde_json::{json, Value};
use sessioncore_conformance::{load, replay, scenario_files};
use std::path::PathBuf;

pub fn run(args: &[String]) -> Result<(), CliError> {
    let print = args.first().is_some_and(|a| a == "--print");
    let paths: Vec<PathBuf> = args[usize::from(print)..].iter().map(PathBuf::from).collect();
    if paths.is_empty() {
        return Err(CliError::Usage(
            "replay needs at least one scenario file or directory".into(),
        ));
    }
    let files = scenario_files(&paths).map_err(CliError::Failed)?;
    if files.is_empty() {
        return Err(CliError::Failed("no scenario files found".into()));
    }
    let mut failed = 0;
    for file in &files {
        let scenario = load(file).map_err(CliError::Failed)?;
        let (trace, verdict) = replay(&scenario);
        if print {
            // The trace lines, each led by the scenario's name, step and op.
            for line in trace.lines() {
                let line: Value = serde_json::from_str(line).expect("the driver writes JSON lines");
                println!(
                    "{{\"scenario\":{},\"step\":{},\"op\":{},\"returned\":{},\"error\":{},\"getters\":{}}}",
                    json!(scenario.name),
                    line["step"],
                    line["op"],
                    line["returned"],
                    line["error"],
                    line["getters"]
                );
            }
        }
        if let Err(failure) = verdict {
            failed += 1;
            eprintln!("FAIL {} ({}) {failure}", scenario.name, file.display());
        }
    }
    let passed = files.len() - failed;
    eprintln!("{passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{failed} of {} scenarios failed",
            files.len()
        )))
    }
}
