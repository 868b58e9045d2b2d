//! `sessioncore`: the demo, the scenario replayer, and a poke at a real
//! database. Usage errors and failures are one line on stderr, exit code 2/1.

mod demo;
mod json;
mod poke;
mod replay;

use std::process::ExitCode;

const USAGE: &str = "usage:
  sessioncore demo
  sessioncore replay [--print] PATH...
  sessioncore --db FILE [--namespace NS] [OPTIONS] COMMAND [ARGS]
commands:
  track|background|foreground [--at MS] [--event-id UUID]
  state | start-new-session | end-session
  start-manual-session [--at MS] [--custom-id N]
  set-app-user-id ID | clear-app-user-id
options:
  --foreground-timeout-ms MS  --background-timeout-ms MS  --max-session-duration-ms MS
  --no-continue-on-restart    --anonymous";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") if args.len() == 1 => demo::run(),
        Some("replay") => replay::run(&args[1..]),
        Some("--db") => poke::run(&args),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(CliError::Usage(format!(
            "unknown or missing command: {}",
            args.join(" ")
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(message)) => {
            eprintln!("sessioncore: {message}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(CliError::Failed(message)) => {
            eprintln!("sessioncore: {message}");
            ExitCode::FAILURE
        }
    }
}

pub enum CliError {
    /// The command line itself is wrong.
    Usage(String),
    /// The command ran and failed.
    Failed(String),
}

impl From<sessioncore::SessionCoreError> for CliError {
    fn from(e: sessioncore::SessionCoreError) -> Self {
        CliError::Failed(format!("{}: {e}", e.kind()))
    }
}
