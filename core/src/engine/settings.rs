//! Tracker configuration (rules 3, 6, 9, 11, 16), validated before any file
//! is touched so that bad input never changes stored state.

use crate::error::{Error, Result};

/// Snowplow's mobile default for both inactivity timeouts: 30 minutes.
pub const DEFAULT_TIMEOUT_MS: i64 = 30 * 60 * 1000;
pub const MAX_NAMESPACE_BYTES: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub foreground_timeout_ms: i64,
    pub background_timeout_ms: i64,
    pub continue_session_on_restart: bool,
    pub max_session_duration_ms: Option<i64>,
    pub anonymous: bool,
    /// Rule 18: whether events tracked in the background start and extend sessions.
    pub background_events_start_sessions: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            foreground_timeout_ms: DEFAULT_TIMEOUT_MS,
            background_timeout_ms: DEFAULT_TIMEOUT_MS,
            continue_session_on_restart: true,
            max_session_duration_ms: None,
            anonymous: false,
            background_events_start_sessions: true,
        }
    }
}

impl Settings {
    pub fn validate(&self) -> Result<()> {
        at_least("foregroundTimeoutMs", self.foreground_timeout_ms, 0)?;
        at_least("backgroundTimeoutMs", self.background_timeout_ms, 0)?;
        if let Some(max) = self.max_session_duration_ms {
            at_least("maxSessionDurationMs", max, 1)?;
        }
        Ok(())
    }

    /// Rule 3: the timeout is chosen by where the app was before the event.
    pub fn timeout_ms(&self, in_background: bool) -> i64 {
        if in_background {
            self.background_timeout_ms
        } else {
            self.foreground_timeout_ms
        }
    }
}

fn at_least(field: &str, value: i64, min: i64) -> Result<()> {
    if value >= min {
        Ok(())
    } else {
        Err(Error::invalid_config(
            field,
            format!("must be at least {min} milliseconds, got {value}"),
        ))
    }
}

/// Rule 11: any non-empty UTF-8 string of at most 128 bytes, kept verbatim.
pub fn validate_namespace(namespace: &str) -> Result<()> {
    if namespace.is_empty() {
        return Err(Error::invalid_config("namespace", "must not be empty"));
    }
    if namespace.len() > MAX_NAMESPACE_BYTES {
        return Err(Error::invalid_config(
            "namespace",
            format!(
                "is {} bytes long, at most {MAX_NAMESPACE_BYTES} are allowed",
                namespace.len()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<()>) -> String {
        match result {
            Err(Error::InvalidConfig { field, .. }) => field,
            other => panic!("expected InvalidConfig, got {other:?}"),
        }
    }

    #[test]
    fn names_the_offending_field() {
        let base = Settings::default();
        assert_eq!(base.validate(), Ok(()));
        let negative_fg = Settings {
            foreground_timeout_ms: -1,
            ..base.clone()
        };
        assert_eq!(field_of(negative_fg.validate()), "foregroundTimeoutMs");
        let zero_timeouts = Settings {
            foreground_timeout_ms: 0,
            background_timeout_ms: 0,
            ..base.clone()
        };
        assert_eq!(zero_timeouts.validate(), Ok(()));
        let negative_bg = Settings {
            background_timeout_ms: -5,
            ..base.clone()
        };
        assert_eq!(field_of(negative_bg.validate()), "backgroundTimeoutMs");
        let zero_max = Settings {
            max_session_duration_ms: Some(0),
            ..base
        };
        assert_eq!(field_of(zero_max.validate()), "maxSessionDurationMs");
    }

    #[test]
    fn namespace_is_bounded_in_bytes_not_chars() {
        assert_eq!(field_of(validate_namespace("")), "namespace");
        assert_eq!(validate_namespace(&"é".repeat(64)), Ok(()));
        assert_eq!(field_of(validate_namespace(&"é".repeat(65))), "namespace");
    }
}
