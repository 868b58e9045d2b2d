//! The README's Rust example, compiled and run.

use sessioncore::{ClockReading, SessionCoreError, SessionTracker, TrackerConfig};

#[test]
fn readme_example() -> Result<(), SessionCoreError> {
    let dir = std::env::temp_dir().join(format!("sessioncore-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sessions.db").display().to_string();
    let now_ms = 1_700_000_000_000;
    // README example: rust
    let config = TrackerConfig {
        background_timeout_ms: 600_000,
        ..TrackerConfig::default()
    };
    let tracker = SessionTracker::open(path, "default".into(), config)?;
    if let Some(event) = tracker.track(None, Some(ClockReading::wall(now_ms)))? {
        if event.is_new_session {
            println!("new session {} ({:?})", event.session_id, event.new_session_reason);
        }
        let context = &event.snowplow_context_json; // attach to the Snowplow event
        println!("{context}");
    }
    tracker.background(None, Some(ClockReading::wall(now_ms + 1_000)))?; // None when already in the background
    println!(
        "session {:?}, in background: {}",
        tracker.session_index()?,
        tracker.is_in_background()?
    );
    // end README example
    assert_eq!(tracker.session_index()?, Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
    Ok(())
}
