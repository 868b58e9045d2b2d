//! `sessioncore demo`: one realistic day of one app, replayed against a real
//! SQLite file, printed as a timeline of sessions and why they changed, with
//! each session's end as the app's `session_end` gets it: from the next
//! session's first event (`endedSession`) or from the expiry timer the
//! lifecycle glue runs while the app is in the foreground. The file is kept,
//! and the demo says how to look into it.

use crate::CliError;
use sessioncore::{ClockReading, EndedSession, NewSessionReason, SessionEvent, SessionTracker, TrackerConfig};
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
    // The app stays open on Settings, untouched: the expiry timer ends the session.
    ("21:15:00", Step::Event("screen_view Home")),
    ("21:16:30", Step::Background),
];

const NAMESPACE: &str = "demo-app";

/// The glue's expiry timer: `expire_if_idle` this often while the app is in
/// the foreground (from the moment it got there), and once after each move
/// to the background (Android's `SessionEndTimer`, iOS's `SessionExpiry`,
/// Flutter's `SessionEndTimer`; their default).
const EXPIRY_INTERVAL_MS: i64 = 60_000;

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
        "foreground timeout {} min, background timeout {} min, continue session on restart;",
        config.foreground_timeout_ms / 60_000,
        config.background_timeout_ms / 60_000
    );
    println!(
        "the expiry timer calls expireIfIdle every {} min in the foreground and once after each background\n",
        EXPIRY_INTERVAL_MS / 60_000
    );
    println!(
        "{:<8}  {:<22}  {:<8}  {:>5}  {:>5}  what happened",
        "time", "event", "session", "index", "event"
    );
    let open = || SessionTracker::open(db.display().to_string(), NAMESPACE.into(), config.clone());
    let mut tracker = open()?;
    // The timer's schedule: since when it runs (None: the app is in the
    // background or killed); whether the process is to be launched again.
    let mut timer_since: Option<i64> = None;
    let mut launching = true;
    let mut last_ms = DAY_START_MS;
    let mut session_ends = SessionEnds::default();
    for (clock, step) in DAY {
        let now = DAY_START_MS + time_of_day_ms(clock);
        if launching {
            launching = false;
            if !tracker.is_in_background()? {
                timer_since = Some(now); // a launch whose UI shows: the glue starts the timer
            }
        }
        if let Some(since) = timer_since {
            // Every tick strictly between the last step and this one.
            let mut tick = since + EXPIRY_INTERVAL_MS * ((last_ms - since).max(0) / EXPIRY_INTERVAL_MS + 1);
            while tick < now {
                session_ends.expire(&tracker, tick)?;
                tick += EXPIRY_INTERVAL_MS;
            }
        }
        last_ms = now;
        let (name, event) = match step {
            Step::Event(name) => (*name, tracker.track(None, Some(ClockReading::wall(now)))?),
            Step::Background => {
                timer_since = None;
                ("Background", tracker.background(None, Some(ClockReading::wall(now)))?)
            }
            Step::Foreground => {
                timer_since.get_or_insert(now);
                ("Foreground", tracker.foreground(None, Some(ClockReading::wall(now)))?)
            }
            Step::Kill => {
                drop(tracker);
                tracker = open()?;
                timer_since = None;
                launching = true;
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
        if let Some(ended) = event.as_ref().and_then(|e| e.ended_session.as_ref()) {
            session_ends.from_events += 1;
            print_session_end("", "+ endedSession", ended, "session_end");
        }
        if matches!(step, Step::Background) {
            session_ends.expire(&tracker, now)?; // the timer's one call after the move to the background
        }
    }
    let state = tracker.state()?;
    println!(
        "\nend of day: {} sessions, the last one {} with {} events; all state is in SQLite.",
        state.session_index.unwrap_or(0),
        short(state.session_id.as_deref().unwrap_or("-")),
        state.event_index.unwrap_or(0)
    );
    println!(
        "{} session_end events: {} from the next session's first event, {} from the expiry timer.",
        session_ends.from_events + session_ends.timer,
        session_ends.from_events,
        session_ends.timer
    );
    Ok(())
}

/// How many `session_end` events the app emitted, by where it learnt of the end.
#[derive(Default)]
struct SessionEnds {
    from_events: u32,
    timer: u32,
}

impl SessionEnds {
    /// The expiry timer's call at `at_ms`, and the session it ended, if any.
    fn expire(&mut self, tracker: &SessionTracker, at_ms: i64) -> Result<(), CliError> {
        if let Some(ended) = tracker.expire_if_idle(Some(ClockReading::wall(at_ms)))? {
            self.timer += 1;
            print_session_end(
                &clock_of(at_ms),
                "expireIfIdle (timer)",
                &ended,
                "SESSION END, idle past its timeout: session_end",
            );
        }
        Ok(())
    }
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
        Some(reason) if e.ended_session.is_none() && e.previous_session_id.is_some() => {
            format!(
                "NEW SESSION: {} (endedSession: none, already reported)",
                explain(reason)
            )
        }
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

/// A `session_end` row: the session, its index and event count, its start and end.
fn print_session_end(clock: &str, name: &str, ended: &EndedSession, what: &str) {
    println!(
        "{clock:<8}  {name:<22}  {:<8}  {:>5}  {:>5}  {what} {} to {}, {} events",
        short(&ended.session_id),
        ended.session_index,
        ended.event_count,
        clock_of(ended.start_ms),
        clock_of(ended.end_ms),
        ended.event_count
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

/// The time of day of a moment of the demo's day, `HH:MM:SS`.
fn clock_of(ms: i64) -> String {
    let seconds = (ms - DAY_START_MS) / 1000;
    format!("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
}

fn time_of_day_ms(clock: &str) -> i64 {
    clock
        .split(':')
        .fold(0, |acc, part| acc * 60 + part.parse::<i64>().expect("a valid HH:MM:SS"))
        * 1000
}
