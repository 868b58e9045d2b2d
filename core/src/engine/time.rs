//! Moments: when an event happened, on the wall clock and (where there is
//! one) on the boot clock. Checked once at the API edge so that the rules can
//! subtract them without overflow and the output can always format them.

use crate::error::{Error, Result};
use chrono::{DateTime, SecondsFormat};

/// 9999-12-31T23:59:59.999Z, the last instant ISO 8601 writes with four digits.
pub const MAX_TIME_MS: i64 = 253_402_300_799_999;

fn validate_time(argument: &str, ms: i64) -> Result<i64> {
    if (0..=MAX_TIME_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err(Error::invalid_argument(
            argument,
            format!("{ms} is outside 0..={MAX_TIME_MS} epoch milliseconds"),
        ))
    }
}

/// Rule 3's "time since": a wall-clock reading, and a boot-clock reading
/// where the platform has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    /// Epoch milliseconds (UTC); what the outputs report.
    pub wall_ms: i64,
    pub boot: Option<BootInstant>,
}

/// Milliseconds on the clock that counts from boot (deep sleep included),
/// with the identity of that boot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootInstant {
    pub boot_id: String,
    pub uptime_ms: i64,
}

/// A boot id is a platform's UUID; anything up to this length is taken.
pub const MAX_BOOT_ID_BYTES: usize = 64;

impl Moment {
    pub fn wall(wall_ms: i64) -> Moment {
        Moment { wall_ms, boot: None }
    }

    /// Checks a moment a caller passed in (the core's own readings are in range).
    pub fn validate(self) -> Result<Moment> {
        validate_time("at.wallMs", self.wall_ms)?;
        if let Some(boot) = &self.boot {
            if boot.boot_id.is_empty() || boot.boot_id.len() > MAX_BOOT_ID_BYTES {
                return Err(Error::invalid_argument(
                    "at.boot.bootId",
                    format!(
                        "must be 1 to {MAX_BOOT_ID_BYTES} bytes long, got {}",
                        boot.boot_id.len()
                    ),
                ));
            }
            if !(0..=MAX_TIME_MS).contains(&boot.uptime_ms) {
                return Err(Error::invalid_argument(
                    "at.boot.uptimeMs",
                    format!("{} is outside 0..={MAX_TIME_MS}", boot.uptime_ms),
                ));
            }
        }
        Ok(self)
    }

    /// Rule 3: the milliseconds from `earlier` to `self`. Within one boot the
    /// boot clock decides, so that a changed device clock neither adds nor
    /// removes time, and a boot clock behind `earlier` counts as no time;
    /// across boots, or without a boot clock, the wall clock decides and the
    /// result is negative when it moved backwards.
    pub fn since(&self, earlier: &Moment) -> i64 {
        match (&self.boot, &earlier.boot) {
            (Some(now), Some(then)) if now.boot_id == then.boot_id => (now.uptime_ms - then.uptime_ms).max(0),
            _ => self.wall_ms - earlier.wall_ms,
        }
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

    fn at(wall_ms: i64, boot: Option<(&str, i64)>) -> Moment {
        Moment {
            wall_ms,
            boot: boot.map(|(id, uptime_ms)| BootInstant {
                boot_id: id.into(),
                uptime_ms,
            }),
        }
    }

    #[test]
    fn within_one_boot_the_boot_clock_measures() {
        let then = at(1_000_000, Some(("b1", 5_000)));
        assert_eq!(
            at(1_000_000 - 86_400_000, Some(("b1", 7_000))).since(&then),
            2_000,
            "wall clock set back a day"
        );
        assert_eq!(
            at(1_000_000 + 86_400_000, Some(("b1", 7_000))).since(&then),
            2_000,
            "set forward a day"
        );
        assert_eq!(
            at(1_000_500, Some(("b1", 4_000))).since(&then),
            0,
            "a boot clock behind is no time"
        );
    }

    #[test]
    fn across_boots_or_without_a_boot_clock_the_wall_clock_measures() {
        let then = at(1_000_000, Some(("b1", 5_000)));
        assert_eq!(at(1_003_000, Some(("b2", 100))).since(&then), 3_000);
        assert_eq!(at(999_000, Some(("b2", 100))).since(&then), -1_000);
        assert_eq!(at(1_003_000, None).since(&then), 3_000);
        assert_eq!(at(1_003_000, Some(("b1", 1))).since(&at(1_000_000, None)), 3_000);
    }

    #[test]
    fn a_passed_in_moment_is_checked() {
        assert!(at(-1, None).validate().is_err());
        assert!(at(0, Some(("", 1))).validate().is_err());
        assert!(at(0, Some(("b", -1))).validate().is_err());
        assert!(at(0, Some((&"x".repeat(65), 1))).validate().is_err());
        assert_eq!(at(5, Some(("b", 0))).validate(), Ok(at(5, Some(("b", 0)))));
    }

    #[test]
    fn rejects_times_outside_the_range() {
        assert!(validate_time("nowMs", -1).is_err());
        assert!(validate_time("nowMs", MAX_TIME_MS + 1).is_err());
        assert_eq!(validate_time("nowMs", MAX_TIME_MS), Ok(MAX_TIME_MS));
    }
}
