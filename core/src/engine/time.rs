//! Moments: when an event happened, on the wall clock and (where there is
//! one) on the boot clock. Checked once at the API edge so that the rules can
//! subtract them without overflow and the output can always format them.

use super::decimal::push_decimal;
use crate::error::{Error, Result};

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

/// ISO 8601 UTC with milliseconds, e.g. `2023-11-14T22:13:20.000Z`, for
/// times in `0..=MAX_TIME_MS` (validated on entry).
pub fn format_iso8601(ms: i64) -> String {
    let mut text = String::with_capacity(24);
    push_iso8601(&mut text, ms);
    text
}

/// [`format_iso8601`], appended to `text`.
pub fn push_iso8601(text: &mut String, ms: i64) {
    let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (year, month, day) = civil_from_days(days);
    let fields = [
        (year, 4, '-'),
        (month, 2, '-'),
        (day, 2, 'T'),
        (ms_of_day / 3_600_000, 2, ':'),
        (ms_of_day / 60_000 % 60, 2, ':'),
        (ms_of_day / 1000 % 60, 2, '.'),
        (ms_of_day % 1000, 3, 'Z'),
    ];
    for (value, width, separator) in fields {
        // Every field is non-negative for times in range.
        push_decimal(text, value.unsigned_abs(), width);
        text.push(separator);
    }
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`), for days from the epoch on.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
        assert_eq!(
            format_iso8601(951_782_400_000),
            "2000-02-29T00:00:00.000Z",
            "a leap day"
        );
        assert_eq!(
            format_iso8601(4_107_542_399_999),
            "2100-02-28T23:59:59.999Z",
            "no leap day in 2100"
        );
    }

    #[test]
    fn every_day_for_ten_thousand_years_follows_the_one_before() {
        let (mut year, mut month, mut day) = (1970, 1, 1);
        for days in 0..=2_932_896 {
            assert_eq!(civil_from_days(days), (year, month, day), "day {days}");
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            day += 1;
            if day > month_days[month as usize - 1] {
                (day, month) = (1, month + 1);
                if month > 12 {
                    (month, year) = (1, year + 1);
                }
            }
        }
        assert_eq!((year, month, day), (10_000, 1, 1));
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
