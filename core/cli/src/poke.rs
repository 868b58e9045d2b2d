//! `sessioncore --db FILE [--namespace NS] [OPTIONS] COMMAND`: one call on a
//! real database, printed as JSON.

use crate::{json, CliError};
use serde_json::{json as object, Map, Value};
use sessioncore::{ClockReading, SessionTracker, TrackerConfig};

pub fn run(args: &[String]) -> Result<(), CliError> {
    let mut args = Args {
        rest: args.iter().map(String::as_str).collect(),
    };
    let db = args
        .value("--db")?
        .ok_or_else(|| CliError::Usage("--db needs a file".into()))?;
    let namespace = args.value("--namespace")?.unwrap_or("default").to_owned();
    let mut config = TrackerConfig::default();
    if let Some(ms) = args.number("--foreground-timeout-ms")? {
        config.foreground_timeout_ms = ms;
    }
    if let Some(ms) = args.number("--background-timeout-ms")? {
        config.background_timeout_ms = ms;
    }
    config.max_session_duration_ms = args.number("--max-session-duration-ms")?;
    config.continue_session_on_restart = !args.flag("--no-continue-on-restart");
    config.anonymous = args.flag("--anonymous");
    let at = args.number("--at")?;
    let event_id = args.value("--event-id")?.map(str::to_owned);
    let custom_id = args.number("--custom-id")?;
    let call = Call::parse(&args.rest)?;
    for (option, given) in [
        ("--at", at.is_some()),
        ("--event-id", event_id.is_some()),
        ("--custom-id", custom_id.is_some()),
    ] {
        if given && !call.options().contains(&option) {
            return Err(CliError::Usage(format!(
                "{option} does not apply to `{}`",
                args.rest[0]
            )));
        }
    }
    let tracker = SessionTracker::open(db.to_owned(), namespace, config)?;
    // Without --at the core reads the clocks under its lock.
    let at = at.map(ClockReading::wall);
    let output = match call {
        Call::Track => event(tracker.track(event_id, at)?),
        Call::Background => event(tracker.background(event_id, at)?),
        Call::Foreground => event(tracker.foreground(event_id, at)?),
        Call::State => json::state(&tracker.state()?),
        Call::StartNewSession => after(tracker.start_new_session(), &tracker)?,
        Call::EndSession => after(tracker.end_session().map(drop), &tracker)?,
        Call::StartManualSession => after(tracker.start_manual_session(custom_id, at).map(drop), &tracker)?,
        Call::SetAppUserId(id) => after(tracker.set_app_user_id(Some(id.to_owned())), &tracker)?,
        Call::ClearAppUserId => after(tracker.set_app_user_id(None), &tracker)?,
    };
    if let Some(recovery) = tracker.recovery()? {
        match recovery.moved_to {
            Some(moved_to) => eprintln!(
                "sessioncore: recovered: the damaged database was moved to {moved_to} ({})",
                recovery.reason
            ),
            None => eprintln!("sessioncore: repaired: {}", recovery.reason),
        }
    }
    println!("{output}");
    Ok(())
}

/// One tracker call, checked before the database is opened, so that a wrong
/// command line never creates a file.
enum Call<'a> {
    Track,
    Background,
    Foreground,
    State,
    StartNewSession,
    EndSession,
    StartManualSession,
    SetAppUserId(&'a str),
    ClearAppUserId,
}

impl<'a> Call<'a> {
    fn parse(rest: &[&'a str]) -> Result<Call<'a>, CliError> {
        Ok(match rest {
            ["track"] => Call::Track,
            ["background"] => Call::Background,
            ["foreground"] => Call::Foreground,
            ["state"] => Call::State,
            ["start-new-session"] => Call::StartNewSession,
            ["end-session"] => Call::EndSession,
            ["start-manual-session"] => Call::StartManualSession,
            ["set-app-user-id", id] => Call::SetAppUserId(id),
            ["clear-app-user-id"] => Call::ClearAppUserId,
            [] => return Err(CliError::Usage("missing command".into())),
            _ => {
                return Err(CliError::Usage(format!(
                    "unknown command or arguments: {}",
                    rest.join(" ")
                )))
            }
        })
    }

    /// The per-call options this call takes (the tracker options apply to all).
    fn options(&self) -> &'static [&'static str] {
        match self {
            Call::Track | Call::Background | Call::Foreground => &["--at", "--event-id"],
            Call::StartManualSession => &["--at", "--custom-id"],
            _ => &[],
        }
    }
}

fn event(event: Option<sessioncore::SessionEvent>) -> Value {
    let mut fields = Map::new();
    fields.insert("eventId".into(), object!(event.as_ref().map(|e| &e.event_id)));
    fields.insert("isNewSession".into(), object!(event.as_ref().map(|e| e.is_new_session)));
    let reason = event.as_ref().and_then(|e| e.new_session_reason).map(|r| r.as_str());
    fields.insert("newSessionReason".into(), object!(reason));
    for (key, value) in json::event_outputs(event.as_ref()) {
        fields.insert(key.into(), value);
    }
    Value::Object(fields)
}

/// Commands without an entity print the state they left behind.
fn after(call: Result<(), sessioncore::SessionCoreError>, tracker: &SessionTracker) -> Result<Value, CliError> {
    call?;
    Ok(json::state(&tracker.state()?))
}

/// Options may come anywhere; what is left after taking them is the command.
struct Args<'a> {
    rest: Vec<&'a str>,
}

impl<'a> Args<'a> {
    fn value(&mut self, name: &str) -> Result<Option<&'a str>, CliError> {
        let Some(at) = self.rest.iter().position(|a| *a == name) else {
            return Ok(None);
        };
        let value = self
            .rest
            .get(at + 1)
            .copied()
            .ok_or_else(|| CliError::Usage(format!("{name} needs a value")))?;
        self.rest.drain(at..=at + 1);
        Ok(Some(value))
    }

    fn number(&mut self, name: &str) -> Result<Option<i64>, CliError> {
        self.value(name)?
            .map(|v| {
                v.parse()
                    .map_err(|_| CliError::Usage(format!("{name} needs an integer, got `{v}`")))
            })
            .transpose()
    }

    fn flag(&mut self, name: &str) -> bool {
        let at = self.rest.iter().position(|a| *a == name);
        at.map(|at| self.rest.remove(at)).is_some()
    }
}
