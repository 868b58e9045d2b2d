import Foundation
@testable import SessionCore
import XCTest

/// The lifecycle glue without UIKit: the test's thread is the main thread,
/// which posts the notifications as UIKit would; every tracker call the
/// observer makes is recorded with the event index it returned (`-` for
/// none) and whether it ran on the main thread.
final class LifecycleTests: XCTestCase {
    private let background = Notification.Name("test.didEnterBackground")
    private let active = Notification.Name("test.didBecomeActive")
    private var directory: URL!
    private var db: String { directory.appendingPathComponent("sessions.db").path }
    private var log: Log!
    private var center: NotificationCenter!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sessioncore-lifecycle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = Log()
        center = NotificationCenter()
        XCTAssertTrue(Thread.isMainThread, "the tests stand in for the main thread")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testInstallReportsTheLaunchStateWithoutATransition() throws {
        let expected: [(SessionLifecycleObserver.LaunchState, [String], Bool)] = [
            (.background, ["launch(true)"], true), // a push or a background fetch
            (.active, ["launch(false)"], false), // a late install, after consent
            (.inactive, [], true), // a launch whose UI is about to show: the activation follows
        ]
        for (state, calls, inBackground) in expected {
            let tracker = try openKilledInTheBackground(namespace: "\(state)")
            log = Log()
            let observer = observe(tracker, launchState: state)
            observer.waitUntilIdle()
            XCTAssertEqual(log.calls, calls, "\(state)")
            XCTAssertEqual(log.onTheMainThread, [], "\(state)")
            XCTAssertEqual(try tracker.isInBackground, inBackground, "\(state)")
            XCTAssertEqual(try tracker.state.eventIndex, 2, "\(state): no event")
        }
    }

    func testARoundTripIsOneBackgroundThenOneForegroundOffTheMainThread() throws {
        let tracker = try SessionTracker(path: db)
        let observer = observe(tracker, launchState: .inactive)
        center.post(name: active, object: nil) // the cold launch's activation: a fresh store is in the foreground
        observer.waitUntilIdle()
        try tracker.track()
        center.post(name: background, object: nil)
        center.post(name: active, object: nil)
        observer.waitUntilIdle()
        XCTAssertEqual(log.calls, ["foreground -", "background 2", "foreground 3"])
        let state = try tracker.state
        XCTAssertEqual([state.eventIndex, state.backgroundIndex, state.foregroundIndex], [3, 1, 1])
        XCTAssertEqual(log.onTheMainThread, [])
        XCTAssertEqual(log.all.filter { $0.hasPrefix("ran ") }.count, 3)
    }

    func testTheColdLaunchOfAnAppKilledInTheBackgroundIsARealForeground() throws {
        let observer = observe(try openKilledInTheBackground(), launchState: .inactive)
        center.post(name: active, object: nil)
        observer.waitUntilIdle()
        XCTAssertEqual(log.calls, ["foreground 3"])
    }

    func testTheBackgroundTaskIsHeldUntilTheCommit() throws {
        let observer = observe(try SessionTracker(path: db), launchState: .inactive, backgroundTask: log.backgroundTask())
        log.holdCalls()
        center.post(name: background, object: nil)
        XCTAssertEqual(log.all, ["begin 1 on the main thread"], "the commit waits on the queue, the task is held")
        log.releaseCalls()
        observer.waitUntilIdle()
        XCTAssertEqual(log.all, ["begin 1 on the main thread", "ran background", "background 1", "end 1"])
    }

    func testATaskTheSystemExpiresIsEndedOnce() throws {
        let observer = observe(try SessionTracker(path: db), launchState: .inactive, backgroundTask: log.backgroundTask())
        log.holdCalls()
        center.post(name: background, object: nil)
        log.expire()
        log.releaseCalls()
        observer.waitUntilIdle()
        XCTAssertEqual(log.all, ["begin 1 on the main thread", "end 1", "ran background", "background 1"])
    }

    func testTheTrackerOpensOnTheQueueAndAFailedOpenIsReported() async throws {
        let path = db
        let errors = Log()
        let failing = SessionLifecycleObserver(
            opening: { try SessionTracker(path: "\(path).missing/sessions.db") },
            launchState: .background, center: center, background: background, foreground: active,
            onError: { errors.append("\(($0 as? SessionCoreError)?.kind ?? "?")") }
        )
        do {
            _ = try await failing.tracker
            XCTFail("a tracker that did not open")
        } catch let error as SessionCoreError {
            XCTAssertEqual(error.kind, "Storage")
        }
        XCTAssertEqual(errors.all, ["Storage"], "the launch call reported the failed open")

        let opening = Log()
        let observer = SessionLifecycleObserver(
            opening: {
                opening.append(Thread.isMainThread ? "opened on the main thread" : "opened off the main thread")
                return try SessionTracker(path: path)
            },
            launchState: .background, center: center, background: background, foreground: active
        )
        let opened = try await observer.tracker
        XCTAssertEqual(try opened.isInBackground, true)
        XCTAssertEqual(opening.all, ["opened off the main thread"])
    }

    func testAStoppedObserverForwardsNothing() throws {
        let tracker = try SessionTracker(path: db)
        let observer = observe(tracker, launchState: .inactive)
        observer.stop()
        center.post(name: background, object: nil)
        observer.waitUntilIdle()
        XCTAssertEqual(log.calls, [])
        XCTAssertFalse(try tracker.isInBackground)
    }

    func testReadmeExample() async throws {
        let path = db
        // README example: ios
        let lifecycle = SessionLifecycleObserver { try SessionTracker(path: path) }   // at launch, on the main thread
        let sessions = try await lifecycle.tracker                                    // anywhere, once open
        // end README example
        XCTAssertNil(try sessions.sessionIndex)
    }

    /// A store whose app went to the background after one event and was killed there.
    private func openKilledInTheBackground(namespace: String = "default") throws -> SessionTracker {
        let tracker = try SessionTracker(path: db, namespace: namespace)
        try tracker.track()
        try tracker.background()
        return tracker
    }

    private func observe(
        _ tracker: SessionTracker,
        launchState: SessionLifecycleObserver.LaunchState,
        backgroundTask: SessionLifecycleObserver.BackgroundTask = .none
    ) -> SessionLifecycleObserver {
        let log = self.log!
        return SessionLifecycleObserver(
            pipeline: Pipeline(opening: { tracker }, calls: { RecordingCalls(tracker: $0, log: log) }, onError: { XCTFail("\($0)") }),
            launchState: launchState, center: center, background: background, foreground: active, backgroundTask: backgroundTask
        )
    }
}

#if !canImport(UIKit)
extension SessionLifecycleObserver {
    /// Stands in for the UIKit initializer: a launch whose UI is about to show, on the default center.
    convenience init(opening open: @escaping @Sendable () throws -> SessionTracker) {
        self.init(
            opening: open, launchState: .inactive,
            background: Notification.Name("test.didEnterBackground"), foreground: Notification.Name("test.didBecomeActive")
        )
    }
}
#endif

/// What happened, in order, from any thread.
private final class Log: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    private var expiry: (@Sendable () -> Void)?
    private let gate = DispatchSemaphore(value: 1)

    var all: [String] { lock.withLock { entries } }
    /// The tracker calls with their results.
    var calls: [String] { all.filter { !$0.hasPrefix("ran ") && !$0.hasPrefix("begin ") && !$0.hasPrefix("end ") } }
    /// The tracker calls made on the main thread.
    var onTheMainThread: [String] { all.filter { $0.hasSuffix(" on the main thread") && $0.hasPrefix("ran ") } }

    func append(_ entry: String) { lock.withLock { entries.append(entry) } }

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

private struct RecordingCalls: LifecycleCalls {
    let tracker: SessionTracker
    let log: Log

    func launch(inBackground: Bool) throws {
        try record("launch(\(inBackground))") { try tracker.launch(inBackground: inBackground); return nil }
    }

    func foreground() throws { try record("foreground") { try tracker.foreground().map { Int($0.eventIndex) } ?? -1 } }
    func background() throws { try record("background") { try tracker.background().map { Int($0.eventIndex) } ?? -1 } }

    /// `call` returns the event index, -1 for no event, nil for a call without one.
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
