package dev.sessioncore

// The generated records and enums are public as they are; these aliases give
// them the package apps import. Errors get their own classes (Errors.kt),
// because nested exception classes cannot be reached through an alias.
typealias TrackerConfig = dev.sessioncore.ffi.TrackerConfig
typealias Durability = dev.sessioncore.ffi.Durability
typealias SessionEvent = dev.sessioncore.ffi.SessionEvent
typealias SessionState = dev.sessioncore.ffi.SessionState
typealias RecoveryReport = dev.sessioncore.ffi.RecoveryReport
typealias ClockReading = dev.sessioncore.ffi.ClockReading
typealias BootClockReading = dev.sessioncore.ffi.BootClockReading
typealias EndedSession = dev.sessioncore.ffi.EndedSession
typealias ImportedState = dev.sessioncore.ffi.ImportedState
typealias NewSessionReason = dev.sessioncore.ffi.NewSessionReason
typealias LogLevel = dev.sessioncore.ffi.LogLevel

/** Sets how much of the core's logging reaches Logcat (default [LogLevel.WARN]). */
fun setLogLevel(level: LogLevel) = translatingErrors { dev.sessioncore.ffi.setLogLevel(level) }
