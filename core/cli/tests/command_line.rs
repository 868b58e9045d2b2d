//! The tool's command line: what a wrong one gets (one line pointing to
//! `--help`, exit code 2, no file created), the README synopsis, and the demo.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::{Command, Output};

fn cli<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessioncore"))
        .args(args)
        .output()
        .expect("the CLI runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sessioncore-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Exit code 2 and exactly one line on stderr that points to `--help`.
fn assert_usage_error(output: &Output, phrase: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("sessioncore: "), "{stderr}");
    assert!(stderr.contains(phrase), "{stderr}");
    assert!(stderr.trim_end().ends_with("(see `sessioncore --help`)"), "{stderr}");
}

#[test]
fn an_argument_that_is_not_utf8_is_a_usage_error_not_a_panic() {
    let dir = temp_dir("utf8");
    let db = dir.join("sessions.db");
    let not_utf8 = OsStr::from_bytes(b"caf\xe9");
    assert_usage_error(&cli(&[not_utf8]), "argument `caf\u{fffd}` is not valid UTF-8");
    let db_arg = db.as_os_str();
    for args in [
        vec![
            OsStr::new("--db"),
            db_arg,
            OsStr::new("--namespace"),
            not_utf8,
            OsStr::new("state"),
        ],
        vec![OsStr::new("--db"), db_arg, OsStr::new("set-app-user-id"), not_utf8],
        vec![OsStr::new("replay"), not_utf8],
    ] {
        assert_usage_error(&cli(&args), "is not valid UTF-8");
    }
    assert!(!db.exists(), "a wrong command line creates no file");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_are_one_line_and_create_no_file() {
    let dir = temp_dir("usage");
    let db = dir.join("sessions.db").display().to_string();
    let cases: [(&[&str], &str); 10] = [
        (&[], "missing command"),
        (&["bogus"], "unknown command line: bogus"),
        (&["demo", "extra"], "unknown command line: demo extra"),
        (&["--db"], "--db needs a value"),
        (&["--db", &db], "missing command"),
        (&["--db", &db, "fly"], "unknown command or arguments: fly"),
        (
            &["--db", &db, "--at", "soon", "track"],
            "--at needs an integer, got `soon`",
        ),
        (
            &["--db", &db, "track", "--custom-id", "1234567890"],
            "--custom-id does not apply to `track`",
        ),
        (
            &["--db", &db, "--at", "1700000000000", "state"],
            "--at does not apply to `state`",
        ),
        (
            &[
                "--db",
                &db,
                "start-manual-session",
                "--event-id",
                "6f9619ff-8b86-d011-b42d-00c04fc964ff",
            ],
            "--event-id does not apply to `start-manual-session`",
        ),
    ];
    for (args, phrase) in cases {
        assert_usage_error(&cli(args), phrase);
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no file created");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn options_are_taken_by_the_commands_that_list_them() {
    let dir = temp_dir("options");
    let db = dir.join("sessions.db").display().to_string();
    let event_id = "6f9619ff-8b86-d011-b42d-00c04fc964ff";
    let track = cli(&["--db", &db, "track", "--at", "1700000000000", "--event-id", event_id]);
    assert!(track.status.success(), "{}", String::from_utf8_lossy(&track.stderr));
    let manual = cli(&[
        "--db",
        &db,
        "start-manual-session",
        "--at",
        "1700000000001",
        "--custom-id",
        "1234567890",
    ]);
    assert!(manual.status.success(), "{}", String::from_utf8_lossy(&manual.stderr));
    let state: serde_json::Value = serde_json::from_slice(&cli(&["--db", &db, "state"]).stdout).unwrap();
    assert_eq!(
        (state["isManual"].as_bool(), state["sessionStartMs"].as_i64()),
        (Some(true), Some(1_700_000_000_001))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every command and option the tool's `--help` lists, in the README's synopsis.
#[test]
fn the_readme_synopsis_lists_every_command_and_option() {
    let help = cli(&["--help"]);
    assert!(help.status.success());
    let help = String::from_utf8(help.stdout).unwrap();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = readme
        .split("## The `sessioncore` tool")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the README has a section on the tool");
    let words: Vec<&str> = help
        .split(|c: char| c.is_whitespace() || "[]|,".contains(c))
        .filter(|word| {
            let name = word.trim_start_matches('-');
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-') && *word != "sessioncore"
        })
        .collect();
    assert!(words.len() > 20, "{words:?}");
    let missing: Vec<&&str> = words.iter().filter(|word| !section.contains(**word)).collect();
    assert!(missing.is_empty(), "missing from the README synopsis: {missing:?}");
}

#[test]
fn the_demo_keeps_its_database_and_says_how_to_inspect_it() {
    let demo = cli::<&str>(&["demo"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let stdout = String::from_utf8(demo.stdout).unwrap();
    let inspect = stdout.lines().last().unwrap().trim();
    let args: Vec<&str> = inspect.split(' ').collect();
    assert_eq!(
        (args[0], args[1], &args[3..]),
        ("sessioncore", "--db", &["--namespace", "demo-app", "state"][..])
    );
    let db = PathBuf::from(args[2]);
    assert!(db.is_file(), "the demo kept {}", db.display());
    let state = cli(&args[1..]);
    assert!(state.status.success(), "{}", String::from_utf8_lossy(&state.stderr));
    let state: serde_json::Value = serde_json::from_slice(&state.stdout).unwrap();
    assert_eq!(
        (state["sessionIndex"].as_i64(), state["eventIndex"].as_i64()),
        (Some(5), Some(2))
    );
    std::fs::remove_dir_all(db.parent().unwrap()).unwrap();
}

/// The demo's rows that report a session's end, in its table's columns:
/// (time, what reported it, session index, event count, its start to end).
fn session_end_rows(stdout: &str) -> Vec<(&str, &str, i64, i64, &str)> {
    stdout
        .lines()
        .filter(|line| {
            matches!(
                line.get(10..32).map(str::trim),
                Some("+ endedSession" | "expireIfIdle (timer)")
            )
        })
        .map(|line| {
            let (clock, rest) = (line[..8].trim(), &line[10..]);
            let (name, rest) = (rest[..22].trim(), &rest[24..]);
            let columns: Vec<&str> = rest.split_whitespace().collect();
            let (index, count) = (columns[1].parse().unwrap(), columns[2].parse().unwrap());
            (
                clock,
                name,
                index,
                count,
                rest.rsplit_once("session_end ").map_or("", |(_, end)| end),
            )
        })
        .collect()
}

#[test]
fn the_demo_shows_every_session_end_once_from_the_next_event_or_the_expiry_timer() {
    let demo = cli::<&str>(&["demo"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let stdout = String::from_utf8(demo.stdout).unwrap();
    assert_eq!(
        session_end_rows(&stdout),
        [
            ("", "+ endedSession", 1, 7, "08:00:00 to 08:06:00, 7 events"),
            ("", "+ endedSession", 2, 3, "08:49:00 to 08:51:00, 3 events"),
            ("", "+ endedSession", 3, 3, "12:30:00 to 12:40:00, 3 events"),
            (
                "20:41:00",
                "expireIfIdle (timer)",
                4,
                3,
                "20:00:00 to 20:10:00, 3 events"
            ),
        ],
        "{stdout}"
    );
    // The session after the timer's: a new one, whose first event has no endedSession.
    let next = stdout.lines().find(|line| line.starts_with("21:15:00")).unwrap();
    assert!(
        next.contains("NEW SESSION") && next.contains("endedSession: none, already reported"),
        "{next}"
    );
    assert!(
        stdout.contains("4 session_end events: 3 from the next session's first event, 1 from the expiry timer."),
        "{stdout}"
    );
    let db = PathBuf::from(stdout.lines().last().unwrap().trim().split(' ').nth(2).unwrap());
    std::fs::remove_dir_all(db.parent().unwrap()).unwrap();
}
