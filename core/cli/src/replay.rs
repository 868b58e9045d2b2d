//! `sessioncore replay [--print] PATH...`

use crate::{json, CliError};
use serde_json::{json as object, Map, Value};
use sessioncore_conformance as scenario;
use std::path::PathBuf;

pub fn run(args: &[String]) -> Result<(), CliError> {
    let print = args.first().is_some_and(|a| a == "--print");
    let paths: Vec<PathBuf> = args[usize::from(print)..].iter().map(PathBuf::from).collect();
    if paths.is_empty() {
        return Err(CliError::Usage(
            "replay needs at least one scenario file or directory".into(),
        ));
    }
    let scenarios = scenario::load(&paths).map_err(CliError::Failed)?;
    if scenarios.is_empty() {
        return Err(CliError::Failed("no scenario files found".into()));
    }
    let mut failed = 0;
    for (path, scenario) in &scenarios {
        match scenario::run(scenario, &|_| Ok(())) {
            Ok(records) if print => {
                for record in records {
                    let mut line = Map::new();
                    line.insert("scenario".into(), object!(scenario.name));
                    line.insert("step".into(), object!(record.step));
                    line.insert("op".into(), object!(record.op.as_str()));
                    for (key, value) in json::event_outputs(record.event.as_ref()) {
                        line.insert(key.into(), value);
                    }
                    println!("{}", Value::Object(line));
                }
            }
            Ok(_) => {}
            Err(failure) => {
                failed += 1;
                let step = scenario.steps.get(failure.step.wrapping_sub(1));
                let op = step.map_or("open", |s| s.op.as_str());
                eprintln!(
                    "FAIL {} ({}) step {} `{op}`: {}",
                    scenario.name,
                    path.display(),
                    failure.step,
                    failure.message
                );
            }
        }
    }
    let passed = scenarios.len() - failed;
    eprintln!("{passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{failed} of {} scenarios failed",
            scenarios.len()
        )))
    }
}
