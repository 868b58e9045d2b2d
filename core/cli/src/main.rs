//! `sessioncore`: the demo, the scenario replayer, and a poke at a real
//! database. Failures are one line on stderr and exit code 1; a wrong
//! command line is one line with a pointer to `--help`, exit code 2.

mod demo;
mod json;
mod poke;
mod replay;

use std::process::ExitCode;

const USAGE: &str = "usage:
  sessioncore demo
  sessioncore replay [--print] PATH...
  sessioncore --db FILE [--namespace NS] [OPTIONS] COMMAND [ARGS]
  sessioncore -h | --help
commands:
  track | background | foreground [--at MS] [--event-id UUID]
  state | start-new-session | end-session
  start-manual-session [--at MS] [--custom-id N]
  set-app-user-id ID | clear-app-user-id
options:
  --foreground-timeout-ms MS  --background-timeout-ms MS  --max-session-duration-ms MS
  --no-continue-on-restart    --anonymous";

fn main() -> ExitCode {
    match utf8_args().and_then(|args| run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(message)) => {
            eprintln!("sessioncore: {message} (see `sessioncore --help`)");
            ExitCode::from(2)
        }
        Err(CliError::Failed(message)) => {
            eprintln!("sessioncore: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Every argument is a name, id or number the tool passes on as text.
fn utf8_args() -> Result<Vec<String>, CliError> {
    std::env::args_os()
        .skip(1)
        .map(|arg| {
            arg.into_string()
                .map_err(|arg| CliError::Usage(format!("argument `{}` is not valid UTF-8", arg.to_string_lossy())))
        })
        .collect()
}

fn run(args: &[String]) -> Result<(), CliError> {
    match args.first().map(String::as_str) {
        Some("demo") if args.len() == 1 => demo::run(),
        Some("replay") => replay::run(&args[1..]),
        Some("--db") => poke::run(args),
        Some("-h" | "--help") if args.len() == 1 => {
            println!("{USAGE}");
            Ok(())
        }
        None => Err(CliError::Usage("missing command".into())),
        Some(_) => Err(CliError::Usage(format!("unknown command line: {}", args.join(" ")))),
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
