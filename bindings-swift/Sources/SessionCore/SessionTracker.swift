import Foundation
import SessionCoreBindings

// The generated records, enums and the error are public as they are; these
// aliases give them the module apps import.
public typealias TrackerConfig = SessionCoreBindings.TrackerConfig
public typealias Durability = SessionCoreBindings.Durability
public typealias SessionEvent = SessionCoreBindings.SessionEvent
public typealias SessionState = SessionCoreBindings.SessionState
public typealias RecoveryReport = SessionCoreBindings.RecoveryReport
public typealias ClockReading = SessionCoreBindings.ClockReading
public typealias BootClockReading = SessionCoreBindings.BootClockReading
public typealias EndedSession = SessionCoreBindings.EndedSession
public typealias ImportedState = SessionCoreBindings.ImportedState
public typealias NewSessionReason = SessionCoreBindings.NewSessionReason
public typealias SessionCoreError = SessionCoreBindings.SessionCoreError

extension SessionCoreError {
    /// The kind's name as every binding spells it (`InvalidConfig`, `Storage`, ...).
    public var kind: String {
        switch self {
        case .InvalidConfig: return "InvalidConfig"
        case .InvalidArgument: return "InvalidArgument"
        case .Storage: return "Storage"
        case .Closed: return "Closed"
        case .Internal: return "Internal"
        }
    }
}

/// A session tracker for one namespace of one SQLite file: the shared
/// sessioncore engine with the session-update callback an iOS app needs.
/// Every call throws `SessionCoreError`. Safe to share between threads: the
/// engine serialises calls, and the callback is lock-protected.
///
/// Time: the calls take no time from the app. The core reads the wall clock
/// and the boot clock after it holds the database's write lock, so that call
/// order is time order across threads and processes (an app and its
/// extensions). `at:` passes an explicit `ClockReading` instead, for tests
/// and tools only. Each call is a durable SQLite commit: call it off the main
/// thread (the lifecycle observer does).
public final class SessionTracker: @unchecked Sendable {
    private let ffi: SessionCoreBindings.SessionTracker
    /// Whether the per-event calls and the getters that return a buffer read
    /// it directly (`FastPath`) rather than through the generated code; the
    /// tests run both.
    let usesFastPath: Bool
    private let lock = NSLock()
    private var listener: (@Sendable (SessionEvent) -> Void)?

    /// Opens (creating, migrating or recovering) `path` for `namespace`.
    public convenience init(
        path: String,
        namespace: String = "default",
        config: TrackerConfig = TrackerConfig()
    ) throws {
        try self.init(path: path, namespace: namespace, config: config, fastPath: true)
    }

    init(path: String, namespace: String, config: TrackerConfig, fastPath: Bool) throws {
        ffi = try SessionCoreBindings.SessionTracker.open(path: path, namespace: namespace, config: config)
        usesFastPath = fastPath
    }

    /// Called once per new session, with the event that started it.
    public var onSessionUpdate: (@Sendable (SessionEvent) -> Void)? {
        get { lock.withLock { listener } }
        set { lock.withLock { listener = newValue } }
    }

    /// Tracks a plain event; `eventId` is its UUID, or nil to have one generated.
    @discardableResult
    public func track(eventId: String? = nil, at: ClockReading? = nil) throws -> SessionEvent? {
        try event(FastPath.track, ffi.track(eventId:at:), eventId, at)
    }

    /// The app went to the background; nil when it already was (or no session applies).
    @discardableResult
    public func background(eventId: String? = nil, at: ClockReading? = nil) throws -> SessionEvent? {
        try event(FastPath.background, ffi.background(eventId:at:), eventId, at)
    }

    /// The app came to the foreground; nil when it already was (or no session applies).
    @discardableResult
    public func foreground(eventId: String? = nil, at: ClockReading? = nil) throws -> SessionEvent? {
        try event(FastPath.foreground, ffi.foreground(eventId:at:), eventId, at)
    }

    /// The state the process started in (in the background for a push or a
    /// background fetch); no event. The lifecycle observer calls it.
    public func launch(inBackground: Bool) throws { try ffi.launch(inBackground: inBackground) }

    /// Switches to manual mode and starts a session now (RudderStack's manual
    /// sessions); returns the session it replaced, if not reported yet.
    @discardableResult
    public func startManualSession(customId: Int64? = nil, at: ClockReading? = nil) throws -> EndedSession? {
        try ffi.startManualSession(customId: customId, at: at)
    }

    public func startNewSession() throws { try ffi.startNewSession() }

    /// Ends the current session and returns it, for a `session_end` event.
    @discardableResult
    public func endSession() throws -> EndedSession? { try ffi.endSession() }

    /// Ends the session if its timeout or maximum duration has passed and returns it.
    @discardableResult
    public func expireIfIdle(at: ClockReading? = nil) throws -> EndedSession? { try ffi.expireIfIdle(at: at) }

    /// Logout: ends the session (returned), clears the app user id and, with
    /// `newUserId`, gives the install a new user id.
    @discardableResult
    public func reset(newUserId: Bool = false) throws -> EndedSession? { try ffi.reset(newUserId: newUserId) }

    /// Takes over another tracker's stored identity and session where this
    /// namespace has none yet; false when nothing changed.
    @discardableResult
    public func importState(_ state: ImportedState) throws -> Bool { try ffi.importState(state: state) }
    public func pause() throws { try ffi.pause() }
    public func resume() throws { try ffi.resume() }
    public func setAnonymous(_ anonymous: Bool) throws { try ffi.setAnonymous(anonymous: anonymous) }
    public func setAppUserId(_ appUserId: String?) throws { try ffi.setAppUserId(appUserId: appUserId) }

    /// Test hook: overwrite the current session's indexes.
    public func setIndexesForTesting(sessionIndex: Int64, eventIndex: Int64) throws {
        try ffi.setIndexesForTesting(sessionIndex: sessionIndex, eventIndex: eventIndex)
    }

    public var userId: String { get throws { try ffi.userId() } }
    public var sessionId: String? { get throws { try get(FastPath.sessionId, ffi.sessionId) } }
    public var sessionIndex: Int32? { get throws { try get(FastPath.sessionIndex, ffi.sessionIndex) } }
    public var isInBackground: Bool { get throws { try ffi.isInBackground() } }
    public var backgroundIndex: Int32 { get throws { try ffi.backgroundIndex() } }
    public var foregroundIndex: Int32 { get throws { try ffi.foregroundIndex() } }
    public var state: SessionState { get throws { try get(FastPath.state, ffi.state) } }

    /// Set when opening found a damaged file and moved it aside.
    public var recovery: RecoveryReport? { get throws { try ffi.recovery() } }

    /// Closes the database; later calls throw `SessionCoreError.Closed`.
    public func close() throws { try ffi.closeStorage() }

    private func event(
        _ fast: FastPath.EventEntry,
        _ generated: (String?, ClockReading?) throws -> SessionEvent?,
        _ eventId: String?,
        _ at: ClockReading?
    ) throws -> SessionEvent? {
        let event = try usesFastPath ? FastPath.event(fast, ffi, eventId: eventId, at: at) : generated(eventId, at)
        if let event, event.isNewSession { onSessionUpdate?(event) }
        return event
    }

    private func get<T: FastLift>(_ fast: FastPath.GetterEntry, _ generated: () throws -> T) throws -> T {
        try usesFastPath ? FastPath.get(fast, ffi) : generated()
    }
}

public typealias LogLevel = SessionCoreBindings.LogLevel

/// Sets how much of the core's logging reaches the unified log (default `.warn`).
public func setLogLevel(_ level: LogLevel) throws {
    try SessionCoreBindings.setLogLevel(level: level)
}
