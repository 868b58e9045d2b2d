//! `sessioncore demo`: one realistic day of one app, replayed against a real
//! SQLite file, printed as a timeline of sessions and why they changed. The
//! file is kept, and the demo says how to look into it.

use crate::CliError;
use sessioncore::{ClockReading, NewSessionReason, SessionEvent, SessionTracker, TrackerConfig};
use std::path::Path;

/// 2026-11-24T00:00:00Z: the demo's day, fixed so that runs are comparable.
const DAY_START_MS: i64 = 1_795_478_400_000;

enum Step {
    Event(&'static str),
    Background,
    Foreground,
    /// The process is killed; the app is launched again at the next step.
    Kill,
}

/// (time of day, what happens)
const DAY: &[(&str, Step)] = &[
    ("08:00:00", Step::Event("app_open")),
    ("08:00:04", Step::Event("screen_view Home")),
    ("08:01:30", Step::Event("screen_view Product")),
    ("08:02:10", Step::Background),
    ("08:04:40", Step::Foreground),
    ("08:05:00", Step::Event("add_to_cart")),
    ("08:06:00", Step::Background),
    ("08:49:00", Step::Foreground),
    ("08:49:30", Step::Event("screen_view Checkout")),
    ("08:51:00", Step::Event("purchase")),
    ("08:52:00", Step::Kill),
    ("12:30:00", Step::Event("app_open")),
    ("12:31:10", Step::Event("screen_view Home")),
    ("12:40:00", Step::Background),
    ("12:41:00", Step::Kill),
    ("20:00:00", Step::Foreground),
    ("20:00:05", Step::Event("screen_view Home")),
    ("20:10:00", Step::Event("screen_view Settings")),
];

const NAMESPACE: &str = "demo-app";

pub fn run() -> Result<(), CliError> {
    let dir = std::env::temp_dir().join(format!("sessioncore-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))?;
    let db = dir.join("sessions.db");
    replay_day(&db)?;
    println!(
        "the database is kept; inspect it with:\n  sessioncore --db {} --namespace {NAMESPACE} state",
        db.display()
    );
    Ok(())
}

fn replay_day(db: &Path) -> Result<(), CliError> {
    let config = TrackerConfig {
        background_timeout_ms: 15 * 60 * 1000,
        ..TrackerConfig::default()
    };
    println!("sessioncore demo: one day of one app, stored in {}", db.display());
    println!(
        "foreground timeout {} min, background timeout {} min, continue session on restart\n",
        config.foreground_timeout_ms / 60_000,
        config.background_timeout_ms / 60_000
    );
    println!(
        "{:<8}  {:<22}  {:<8}  {:>5}  {:>5}  what happened",
        "time", "event", "session", "index", "event"
    );
    let open = || SessionTracker::open(db.display().to_string(), NAMESPACE.into(), config.clone());
    let mut tracker = open()?;
    for (clock, step) in DAY {
        let now = DAY_START_MS + time_of_day_ms(clock);
        let (name, event) = match step {
            Step::Event(name) => (*name, tracker.track(None, Some(ClockReading::wall(now)))?),
            Step::Background => ("Background", tracker.background(None, Some(ClockReading::wall(now)))?),
            Step::Foreground => ("Foreground", tracker.foreground(None, Some(ClockReading::wall(now)))?),
            Step::Kill => {
                drop(tracker);
                tracker = open()?;
                let where_ = if tracker.is_in_background()? {
                    "in the background"
                } else {
                    "in the foreground"
                };
                println!(
                    "{clock:<8}  {:<22}  process killed {where_}; relaunched from the stored state",
                    "--- kill ---"
                );
                continue;
            }
        };
        print_row(clock, name, event.as_ref());
    }
    let state = tracker.state()?;
    println!(
        "\nend of day: {} sessions, the last one {} with {} events; all state is in SQLite.",
        state.session_index.unwrap_or(0),
        short(state.session_id.as_deref().unwrap_or("-")),
        state.event_index.unwrap_or(0)
    );
    Ok(())
}

fn print_row(clock: &str, name: &str, event: Option<&SessionEvent>) {
    let Some(e) = event else {
        println!(
            "{clock:<8}  {name:<22}  {:<8}  {:>5}  {:>5}  no session entity",
            "-", "-", "-"
        );
        return;
    };
    let what = match e.new_session_reason {
        Some(reason) => format!("NEW SESSION: {}", explain(reason)),
        None => "same session".to_owned(),
    };
    println!(
        "{clock:<8}  {name:<22}  {:<8}  {:>5}  {:>5}  {what}",
        short(&e.session_id),
        e.session_index,
        e.event_index
    );
}

fn explain(reason: NewSessionReason) -> &'static str {
    match reason {
        NewSessionReason::FirstSession => "first event of the install",
        NewSessionReason::SessionEnded => "the previous session was ended",
        NewSessionReason::Requested => "startNewSession() was called",
        NewSessionReason::Restart => "the app restarted (continueSessionOnRestart is off)",
        NewSessionReason::AnonymityChanged => "anonymous tracking was switched",
        NewSessionReason::ClockMovedBackwards => "the clock moved backwards",
        NewSessionReason::ForegroundTimeout => "inactive longer than the foreground timeout",
        NewSessionReason::BackgroundTimeout => "in the background longer than the background timeout",
        NewSessionReason::MaxDuration => "the session reached its maximum duration",
        NewSessionReason::EventIndexLimit => "the event index reached its maximum",
        NewSessionReason::ManualStart => "started manually",
        NewSessionReason::Reset => "the app reset the tracker (a logout)",
    }
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

fn time_of_day_ms(clock: &str) -> i64 {
    clock
        .split(':')
        .fold(0, |acc, part| acc * 60 + part.parse::<i64>().expect("a valid HH:MM:SS"))
        * 1000
}
