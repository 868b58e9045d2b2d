import Foundation
@testable import SessionCore
import XCTest

/// The app's side of the lifecycle glue, without UIKit: the test's thread is
/// the main thread, which posts the notifications as UIKit would; every
/// tracker call the observer makes is recorded with the event index it
/// returned (`-` for none) and whether it ran on the main thread.
final class LifecycleHarness {
    static let background = Notification.Name("test.didEnterBackground")
    static let active = Notification.Name("test.didBecomeActive")
    let center = NotificationCenter()
    let log = Log()

    func post(_ name: Notification.Name) { center.post(name: name, object: nil) }

    /// An observer of `tracker` whose calls `log` records.
    func observe(
        _ tracker: SessionTracker,
        launchState: SessionLifecycleObserver.LaunchState,
        backgroundTask: SessionLifecycleObserver.BackgroundTask = .none,
        expiry: SessionExpiry? = nil
    ) -> SessionLifecycleObserver {
        let log = self.log
        return SessionLifecycleObserver(
            pipeline: Pipeline(opening: { tracker }, calls: { RecordingCalls(tracker: $0, log: log) }, onError: { XCTFail("\($0)") }),
            launchState: launchState, center: center, background: Self.background, foreground: Self.active,
            backgroundTask: backgroundTask, expiry: expiry
        )
    }
}

/// What happened, in order, from any thread.
final class Log: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    private var expiry: (@Sendable () -> Void)?
    private var moment: ClockReading?
    private let gate = DispatchSemaphore(value: 1)

    var all: [String] { lock.withLock { entries } }
    /// The tracker calls with their results.
    var calls: [String] { all.filter { !$0.hasPrefix("ran ") && !$0.hasPrefix("begin ") && !$0.hasPrefix("end ") } }
    /// The tracker calls made on the main thread.
    var onTheMainThread: [String] { all.filter { $0.hasSuffix(" on the main thread") && $0.hasPrefix("ran ") } }

    func append(_ entry: String) { lock.withLock { entries.append(entry) } }

    /// The moment `expireIfIdle` judges at (nil: now), so that no test waits for a timeout.
    var expiryMoment: ClockReading? {
        get { lock.withLock { moment } }
        set { lock.withLock { moment = newValue } }
    }

    /// Tracker calls wait until `releaseCalls`.
    func holdCalls() { gate.wait() }
    func releaseCalls() { gate.signal() }
    /// Bounded, so that a call made on the holding (main) thread fails the test instead of hanging it.
    func passGate() {
        if gate.wait(timeout: .now() + 10) == .success { gate.signal() } else { append("gate timed out") }
    }

    func backgroundTask() -> SessionLifecycleObserver.BackgroundTask {
        SessionLifecycleObserver.BackgroundTask(
            begin: { expired in
                self.lock.withLock { self.expiry = expired }
                self.append("begin 1\(Thread.isMainThread ? " on the main thread" : "")")
                return 1
            },
            end: { self.append("end \($0)") }
        )
    }

    /// The system expires the background task.
    func expire() { lock.withLock { expiry }?() }
}

struct RecordingCalls: LifecycleCalls {
    let tracker: SessionTracker
    let log: Log

    func launch(inBackground: Bool) throws {
        try record("launch(\(inBackground))") { try tracker.launch(inBackground: inBackground); return nil }
    }

    func foreground() throws { try event("foreground") { try tracker.foreground() } }
    func background() throws { try event("background") { try tracker.background() } }

    /// Logs the index of the session it ended, `-` for none.
    func expireIfIdle() throws -> EndedSession? {
        var ended: EndedSession?
        try record("expireIfIdle") {
            ended = try tracker.expireIfIdle(at: log.expiryMoment)
            return ended.map { Int($0.sessionIndex) } ?? -1
        }
        return ended
    }

    /// Logs the index of the event it made, `-` for none.
    private func event(_ name: String, _ call: () throws -> SessionEvent?) throws {
        try record(name) { try call().map { Int($0.eventIndex) } ?? -1 }
    }

    /// `call` returns an index, -1 for none, nil for a call without one.
    private func record(_ name: String, _ call: () throws -> Int?) throws {
        log.passGate()
        log.append("ran \(name)\(Thread.isMainThread ? " on the main thread" : "")")
        switch try call() {
        case nil: log.append(name)
        case -1: log.append("\(name) -")
        case let index?: log.append("\(name) \(index)")
        }
    }
}

#if !canImport(UIKit)
extension SessionLifecycleObserver {
    /// Stands in for the UIKit initializer: a launch whose UI is about to show, on the default center.
    convenience init(opening open: @escaping @Sendable () throws -> SessionTracker, expiry: SessionExpiry? = nil) {
        self.init(
            opening: open, launchState: .inactive,
            background: LifecycleHarness.background, foreground: LifecycleHarness.active, expiry: expiry
        )
    }
}
#endif
