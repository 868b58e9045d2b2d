//! The clocks the core reads, under the database's write lock, for every
//! call that takes no explicit time (docs/semantics.md, "Time"): the wall
//! clock, and the boot clock with the identity of the boot where the
//! platform offers both — Linux and Android: `CLOCK_BOOTTIME` and
//! `/proc/sys/kernel/random/boot_id`; Apple platforms: `CLOCK_MONOTONIC`
//! (which counts sleep there) and the `kern.bootsessionuuid` sysctl.
//! Elsewhere, or when the boot's identity cannot be read, there is no boot
//! clock and the rules fall back to the wall clock.

use crate::engine::{BootInstant, Moment, MAX_TIME_MS};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn now() -> Moment {
    let wall_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(MAX_TIME_MS))
        .min(MAX_TIME_MS);
    let boot = boot_id().and_then(|id| {
        uptime_ms().map(|uptime_ms| BootInstant {
            boot_id: id.to_owned(),
            uptime_ms,
        })
    });
    Moment { wall_ms, boot }
}

/// The boot's identity cannot change while this process lives: read once.
fn boot_id() -> Option<&'static str> {
    static BOOT_ID: OnceLock<Option<String>> = OnceLock::new();
    BOOT_ID
        .get_or_init(|| {
            let id = read_boot_id().filter(|id| !id.is_empty() && id.len() <= crate::engine::MAX_BOOT_ID_BYTES);
            if id.is_none() {
                log::info!("sessioncore: no boot identity on this platform; inactivity is measured on the wall clock");
            }
            id
        })
        .as_deref()
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn read_boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|id| id.trim().to_owned())
}

#[cfg(target_vendor = "apple")]
fn read_boot_id() -> Option<String> {
    let mut buffer = [0u8; 64];
    let mut length = buffer.len();
    // SAFETY: the name is NUL-terminated and `length` is the buffer's size.
    let status = unsafe {
        libc::sysctlbyname(
            c"kern.bootsessionuuid".as_ptr(),
            buffer.as_mut_ptr().cast(),
            &mut length,
            std::ptr::null_mut(),
            0,
        )
    };
    (status == 0).then(|| {
        String::from_utf8_lossy(&buffer[..length])
            .trim_end_matches('\0')
            .to_owned()
    })
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn read_boot_id() -> Option<String> {
    None
}

#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn uptime_ms() -> Option<i64> {
    #[cfg(target_vendor = "apple")]
    const CLOCK: libc::clockid_t = libc::CLOCK_MONOTONIC;
    #[cfg(not(target_vendor = "apple"))]
    const CLOCK: libc::clockid_t = libc::CLOCK_BOOTTIME;
    let mut time = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `time` is a valid timespec for the call to fill in.
    let status = unsafe { libc::clock_gettime(CLOCK, &mut time) };
    // Not useless on 32-bit targets (armv7 Android), whose fields are 32 bits.
    #[allow(clippy::useless_conversion)]
    let ms = i64::from(time.tv_sec) * 1000 + i64::from(time.tv_nsec) / 1_000_000;
    (status == 0).then_some(ms)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn uptime_ms() -> Option<i64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_clocks_here() {
        let (a, b) = (now(), now());
        assert!(a.wall_ms > 1_700_000_000_000 && b.wall_ms >= a.wall_ms);
        let (boot_a, boot_b) = (
            a.boot.as_ref().expect("Linux has a boot clock"),
            b.boot.as_ref().unwrap(),
        );
        assert_eq!(boot_a.boot_id, boot_b.boot_id);
        assert_eq!(uuid::Uuid::parse_str(&boot_a.boot_id).map(|_| ()), Ok(()));
        assert!(boot_b.uptime_ms >= boot_a.uptime_ms && boot_a.uptime_ms > 0);
        assert_eq!(b.since(&a), boot_b.uptime_ms - boot_a.uptime_ms);
    }
}
