import Foundation
@testable import SessionCore
import XCTest

/// The lifecycle glue without UIKit (see `LifecycleHarness`).
final class LifecycleTests: XCTestCase {
    private let background = LifecycleHarness.background
    private let active = LifecycleHarness.active
    private var directory: URL!
    private var db: String { directory.appendingPathComponent("sessions.db").path }
    private var app: LifecycleHarness!
    private var log: Log { app.log }
    private var center: NotificationCenter { app.center }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sessioncore-lifecycle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        app = LifecycleHarness()
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
            app = LifecycleHarness()
            let observer = app.observe(tracker, launchState: state)
            observer.waitUntilIdle()
            XCTAssertEqual(log.calls, calls, "\(state)")
            XCTAssertEqual(log.onTheMainThread, [], "\(state)")
            XCTAssertEqual(try tracker.isInBackground, inBackground, "\(state)")
            XCTAssertEqual(try tracker.state.eventIndex, 2, "\(state): no event")
        }
    }

    func testARoundTripIsOneBackgroundThenOneForegroundOffTheMainThread() throws {
        let tracker = try SessionTracker(path: db)
        let observer = app.observe(tracker, launchState: .inactive)
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
        let observer = app.observe(try openKilledInTheBackground(), launchState: .inactive)
        center.post(name: active, object: nil)
        observer.waitUntilIdle()
        XCTAssertEqual(log.calls, ["foreground 3"])
    }

    func testTheBackgroundTaskIsHeldUntilTheCommit() throws {
        let observer = app.observe(try SessionTracker(path: db), launchState: .inactive, backgroundTask: log.backgroundTask())
        log.holdCalls()
        center.post(name: background, object: nil)
        XCTAssertEqual(log.all, ["begin 1 on the main thread"], "the commit waits on the queue, the task is held")
        log.releaseCalls()
        observer.waitUntilIdle()
        XCTAssertEqual(log.all, ["begin 1 on the main thread", "ran background", "background 1", "end 1"])
    }

    func testATaskTheSystemExpiresIsEndedOnce() throws {
        let observer = app.observe(try SessionTracker(path: db), launchState: .inactive, backgroundTask: log.backgroundTask())
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
        XCTAssertEqual(errors.all, ["Storage"], "the failed open, reported when it happened")
        center.post(name: active, object: nil)
        center.post(name: background, object: nil)
        failing.waitUntilIdle()
        XCTAssertEqual(errors.all, ["Storage"], "reported once: the calls it kept from running add nothing")

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
        let observer = app.observe(tracker, launchState: .inactive)
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
}
