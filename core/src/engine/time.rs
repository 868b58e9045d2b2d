//! Caller-supplied timestamps: checked once at the API edge so that the rules
//! can subtract them without overflow and the output can always format them.

use crate::error::{Error, Result};
use chrono::{DateTime, SecondsFormat};

/// 9999-12-31T23:59:59.999Z, the last instant ISO 8601 writes with four digits.
pub const MAX_TIME_MS: i64 = 253_402_300_799_999;

pub fn validate_time(argument: &str, ms: i64) -> Result<i64> {
    if (0..=MAX_TIME_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err(Error::invalid_argument(
            argument,
            format!("{ms} is outside 0..={MAX_TIME_MS} epoch milliseconds"),
        ))
    }
}

/// ISO 8601 UTC with milliseconds, e.g. `2023-11-14T22:13:20.000Z`.
pub fn format_iso8601(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .expect("times are validated on entry")
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_milliseconds_in_utc() {
        assert_eq!(format_iso8601(1_700_000_000_000), "2023-11-14T22:13:20.000Z");
        assert_eq!(format_iso8601(1_700_000_000_007), "2023-11-14T22:13:20.007Z");
        assert_eq!(format_iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_iso8601(MAX_TIME_MS), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn rejects_times_outside_the_range() {
        assert!(validate_time("nowMs", -1).is_err());
        assert!(validate_time("nowMs", MAX_TIME_MS + 1).is_err());
        assert_eq!(validate_time("nowMs", MAX_TIME_MS), Ok(MAX_TIME_MS));
    }
}
