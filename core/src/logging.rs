//! Where the core's `log` lines go: Logcat on Android, the unified log
//! (os_log) on Apple platforms, and nowhere elsewhere (a Rust host can
//! install its own `log` logger). The app sets the level; the default is
//! `Warn`. Only recoveries, migrations and failures are logged, never user
//! or session ids above `Debug`.

use std::sync::Once;

/// The most verbose level that reaches the platform log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Nothing reaches the platform log.
    Off,
    /// Errors only.
    Error,
    /// Also recoveries and repairs of damaged storage (rule 17). The default.
    Warn,
    /// Also schema migrations, and a platform without a boot clock.
    Info,
    /// Also debugging detail, which may include user and session ids.
    Debug,
    /// Everything the core logs.
    Trace,
}

impl From<LogLevel> for log::LevelFilter {
    fn from(level: LogLevel) -> Self {
        match level {
            LogLevel::Off => log::LevelFilter::Off,
            LogLevel::Error => log::LevelFilter::Error,
            LogLevel::Warn => log::LevelFilter::Warn,
            LogLevel::Info => log::LevelFilter::Info,
            LogLevel::Debug => log::LevelFilter::Debug,
            LogLevel::Trace => log::LevelFilter::Trace,
        }
    }
}

static INSTALL: Once = Once::new();

/// Installs the platform logger once, at the default level.
pub fn ensure_installed() {
    INSTALL.call_once(|| {
        install_platform_logger();
        log::set_max_level(log::LevelFilter::Warn);
    });
}

/// Sets the level of the core's log lines (installing the platform logger).
#[uniffi::export]
pub fn set_log_level(level: LogLevel) -> Result<(), crate::SessionCoreError> {
    ensure_installed();
    log::set_max_level(level.into());
    Ok(())
}

#[cfg(target_os = "android")]
fn install_platform_logger() {
    android_logger::init_once(
        android_logger::Config::default()
            .with_tag("sessioncore")
            .with_max_level(log::LevelFilter::Trace),
    );
}

#[cfg(target_vendor = "apple")]
fn install_platform_logger() {
    // Fails only when another logger is installed, which then gets the lines.
    let _ = oslog::OsLogger::new("dev.sessioncore")
        .level_filter(log::LevelFilter::Trace)
        .init();
}

#[cfg(not(any(target_os = "android", target_vendor = "apple")))]
fn install_platform_logger() {}
