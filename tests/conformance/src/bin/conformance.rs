//! The checker's command line, for the languages that are not Rust:
//!   conformance resolve SCENARIO        the steps a driver runs (JSON); exit 2 when the scenario is invalid
//!   conformance check SCENARIO TRACE    exit 0 when the trace meets the scenario, else 1 and why
//!   conformance parity RESULTS_DIR      the scenario x language table; exit 1 on any failure or difference

use sessioncore_conformance::{check, load, parity_table, resolve};
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: conformance resolve SCENARIO | check SCENARIO TRACE | parity RESULTS_DIR";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["resolve", scenario] => match load(Path::new(scenario)) {
            Ok(scenario) => {
                println!("{}", resolve(&scenario));
                ExitCode::SUCCESS
            }
            Err(e) => invalid(&e),
        },
        ["check", scenario, trace] => {
            let scenario = match load(Path::new(scenario)) {
                Ok(scenario) => scenario,
                Err(e) => return invalid(&e),
            };
            let trace = match std::fs::read_to_string(trace) {
                Ok(trace) => trace,
                Err(e) => return invalid(&format!("{trace}: {e}")),
            };
            match check(&scenario, &trace) {
                Ok(()) => ExitCode::SUCCESS,
                Err(failure) => {
                    eprintln!("{} {failure}", scenario.name);
                    ExitCode::FAILURE
                }
            }
        }
        ["parity", results] => match parity_table(Path::new(results)) {
            Ok(table) => {
                print!("{}", table.text);
                if table.ok {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => invalid(&e),
        },
        _ => invalid(USAGE),
    }
}

fn invalid(message: &str) -> ExitCode {
    eprintln!("conformance: {message}");
    ExitCode::from(2)
}
