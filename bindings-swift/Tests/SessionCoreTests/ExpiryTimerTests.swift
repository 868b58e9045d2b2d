import Foundation
@testable import SessionCore
import XCTest

/// The observer's expiry timer (rule 19), through `LifecycleHarness`. The
/// timer firing is `fireNow()` (what the armed timer does when it fires) and
/// `expireIfIdle` judges at `log.expiryMoment`, so that no test waits for a
/// timeout; one test lets the real `DispatchSourceTimer` fire.
final class ExpiryTimerTests: XCTestCase {
    private var directory: URL!
    private var db: String { directory.appendingPathComponent("sessions.db").path }
    private var app: LifecycleHarness!
    /// The sessions handed to the app: `sessionId index eventCount`, and where.
    private var ends: Log!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sessioncore-expiry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        app = LifecycleHarness()
        ends = Log()
        XCTAssertTrue(Thread.isMainThread, "the tests stand in for the main thread")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testTheIntervalAndTheLeewayAreValidated() throws {
        let unusable: [(TimeInterval, TimeInterval?, String)] = [
            (0, nil, "expiry.interval"), (-0.001, nil, "expiry.interval"), (-60, nil, "expiry.interval"),
            (.nan, nil, "expiry.interval"), (.infinity, nil, "expiry.interval"), (-.infinity, nil, "expiry.interval"),
            (60, -1, "expiry.leeway"), (60, 61, "expiry.leeway"), (60, .nan, "expiry.leeway"), (60, .infinity, "expiry.leeway"),
            (0.5, 0.6, "expiry.leeway"),
        ]
        for (interval, leeway, field) in unusable {
            XCTAssertThrowsError(try SessionExpiry(every: interval, leeway: leeway) { _ in }) { error in
                guard case SessionCoreError.InvalidConfig(let named, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(named, field, "\(interval), \(String(describing: leeway))")
            }
        }
        let defaults = try SessionExpiry { _ in }
        XCTAssertEqual([defaults.interval, defaults.leeway], [60, 6])
        XCTAssertEqual(try SessionExpiry(every: 1, leeway: 0) { _ in }.leeway, 0)
        XCTAssertEqual(try SessionExpiry(every: 86_400, leeway: 86_400) { _ in }.leeway, 86_400)
        // Any positive interval, as on Android and Flutter.
        for interval: TimeInterval in [.leastNonzeroMagnitude, 0.001, 0.5, 86_401, 1e10, .greatestFiniteMagnitude] {
            let expiry = try SessionExpiry(every: interval) { _ in }
            XCTAssertEqual([expiry.interval, expiry.leeway], [interval, interval / 10])
        }
    }

    func testAnyPositiveIntervalIsScheduledInWholeNanoseconds() throws {
        XCTAssertEqual(ExpiryTimer.nanoseconds(0), 0)
        XCTAssertEqual(ExpiryTimer.nanoseconds(.leastNonzeroMagnitude), 1)
        XCTAssertEqual(ExpiryTimer.nanoseconds(0.0015), 1_500_000)
        XCTAssertEqual(ExpiryTimer.nanoseconds(60), 60_000_000_000)
        XCTAssertEqual(ExpiryTimer.nanoseconds(1e10), .max, "beyond an Int64 of nanoseconds")
        XCTAssertEqual(ExpiryTimer.nanoseconds(.greatestFiniteMagnitude), .max)
        // Intervals Dispatch's own `TimeInterval` conversions trap on (1e20 s: a `UInt64` of nanoseconds overflows) arm, and never fire.
        for interval: TimeInterval in [1e10, 1e20, .greatestFiniteMagnitude] {
            let observer = app.observe(try SessionTracker(path: db, namespace: "\(interval)"), launchState: .active, expiry: try expiry(every: interval, leeway: interval))
            XCTAssertTrue(try timer(observer).isArmed, "\(interval)")
            observer.stop()
        }
        XCTAssertEqual(app.log.calls, ["launch(false)", "launch(false)", "launch(false)"])
    }

    func testTheTimerIsArmedOnlyInTheForeground() throws {
        let expected: [(SessionLifecycleObserver.LaunchState, Bool)] = [(.active, true), (.background, false), (.inactive, false)]
        for (state, armed) in expected {
            let observer = app.observe(try SessionTracker(path: db, namespace: "\(state)"), launchState: state, expiry: try expiry())
            XCTAssertEqual(try timer(observer).isArmed, armed, "\(state)")
        }

        app = LifecycleHarness()
        let observer = app.observe(try SessionTracker(path: db), launchState: .inactive, expiry: try expiry())
        app.post(LifecycleHarness.active)
        XCTAssertTrue(try timer(observer).isArmed)
        try timer(observer).fireNow()
        app.post(LifecycleHarness.background)
        XCTAssertFalse(try timer(observer).isArmed)
        try timer(observer).fireNow()
        app.post(LifecycleHarness.active)
        XCTAssertTrue(try timer(observer).isArmed)
        observer.waitUntilIdle()
        XCTAssertEqual(app.log.calls, ["foreground -", "expireIfIdle -", "background 1", "expireIfIdle -", "foreground 2"])
        XCTAssertEqual(app.log.onTheMainThread, [])
    }

    func testTheRealTimerFiresOnTheObserversQueue() throws {
        let observer = app.observe(try SessionTracker(path: db), launchState: .active, expiry: try expiry(every: 0.01))
        let deadline = Date() + 30
        while !app.log.calls.contains("expireIfIdle -"), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        observer.stop()
        observer.waitUntilIdle()
        XCTAssertEqual(app.log.calls.prefix(2), ["launch(false)", "expireIfIdle -"])
        XCTAssertEqual(app.log.onTheMainThread, [])
        XCTAssertFalse(try timer(observer).isArmed)
    }

    func testTheMoveToTheBackgroundExpiresOnceWithinItsTask() throws {
        let tracker = try SessionTracker(path: db)
        try tracker.track()
        let observer = app.observe(tracker, launchState: .active, backgroundTask: app.log.backgroundTask(), expiry: try expiry())
        observer.waitUntilIdle()
        app.post(LifecycleHarness.background)
        observer.waitUntilIdle()
        XCTAssertEqual(app.log.all, [
            "ran launch(false)", "launch(false)", "begin 1 on the main thread",
            "ran background", "background 2", "ran expireIfIdle", "expireIfIdle -", "end 1",
        ])
    }

    func testASessionTheTimerEndsIsHandedToTheClosureOnceAndNeverToOnSessionUpdate() throws {
        let tracker = try SessionTracker(path: db)
        let first = try XCTUnwrap(try tracker.track())
        let updates = sessionUpdates(of: tracker)
        let observer = app.observe(tracker, launchState: .active, expiry: try expiry())
        app.log.expiryMoment = ClockReading(wallMs: first.sessionStartMs + 1_800_001) // the default 30 min timeout has passed
        try timer(observer).fireNow()
        try timer(observer).fireNow()
        XCTAssertEqual(app.log.calls, ["launch(false)", "expireIfIdle 1", "expireIfIdle -"])
        XCTAssertEqual(ends.all, ["\(first.sessionId) 1 1"])

        let next = try XCTUnwrap(try tracker.track())
        XCTAssertEqual([next.sessionIndex, next.eventIndex], [2, 1])
        XCTAssertEqual(next.previousSessionId, first.sessionId)
        XCTAssertEqual(next.newSessionReason, .foregroundTimeout)
        XCTAssertNil(next.endedSession, "reported once: by the timer")
        XCTAssertEqual(updates.all, ["session 2 ended - on the main thread"], "the app's next event (on this thread), without the expired session")
        XCTAssertEqual(ends.all.count, 1)
    }

    func testASessionTheObserversForegroundEndsReachesOnSessionUpdateOnceAndNeverTheClosure() throws {
        let tracker = try SessionTracker(path: db)
        let first = try XCTUnwrap(try tracker.track())
        try tracker.background()
        try tracker.startNewSession() // the next event, the observer's Foreground, starts a session
        let updates = sessionUpdates(of: tracker)
        let observer = app.observe(tracker, launchState: .background, expiry: try expiry())
        app.post(LifecycleHarness.active)
        try timer(observer).fireNow()
        app.post(LifecycleHarness.background)
        app.post(LifecycleHarness.active)
        observer.waitUntilIdle()
        XCTAssertEqual(app.log.calls, [
            "launch(true)", "foreground 1", "expireIfIdle -", "background 2", "expireIfIdle -", "foreground 3",
        ])
        XCTAssertEqual(updates.all, ["session 2 ended \(first.sessionId) 1 2"])
        XCTAssertEqual(ends.all, [], "the closure gets only what expireIfIdle ends")
        XCTAssertEqual(try tracker.sessionIndex, 2)
    }

    func testASessionTheObserversBackgroundEndsReachesOnSessionUpdateOnceAndNeverTheClosure() throws {
        let tracker = try SessionTracker(path: db)
        let first = try XCTUnwrap(try tracker.track())
        try tracker.startNewSession() // the next event, the observer's Background, starts a session
        let updates = sessionUpdates(of: tracker)
        let observer = app.observe(tracker, launchState: .active, expiry: try expiry())
        app.post(LifecycleHarness.background)
        app.post(LifecycleHarness.active)
        try timer(observer).fireNow()
        observer.waitUntilIdle()
        XCTAssertEqual(app.log.calls, ["launch(false)", "background 1", "expireIfIdle -", "foreground 2", "expireIfIdle -"])
        XCTAssertEqual(updates.all, ["session 2 ended \(first.sessionId) 1 1"])
        XCTAssertEqual(ends.all, [], "the closure gets only what expireIfIdle ends")
        XCTAssertEqual(try tracker.sessionIndex, 2)
    }

    func testAFailedOpenIsReportedOnceAndArmsNoTimer() throws {
        let errors = Log()
        let observer = SessionLifecycleObserver(
            opening: { [db] in try SessionTracker(path: "\(db).missing/sessions.db") },
            launchState: .active, center: app.center, background: LifecycleHarness.background, foreground: LifecycleHarness.active,
            expiry: try expiry(), onError: { errors.append("\(($0 as? SessionCoreError)?.kind ?? "?")") }
        )
        XCTAssertFalse(try timer(observer).isArmed)
        try timer(observer).fireNow()
        app.post(LifecycleHarness.background)
        app.post(LifecycleHarness.active)
        XCTAssertFalse(try timer(observer).isArmed)
        try timer(observer).fireNow()
        observer.waitUntilIdle()
        XCTAssertEqual(errors.all, ["Storage"], "once: not again at each tick or call")
        XCTAssertEqual(ends.all, [])
    }

    func testStoppingOrReleasingTheObserverDisarmsTheTimer() throws {
        let stopped = app.observe(try SessionTracker(path: db), launchState: .active, expiry: try expiry())
        stopped.stop()
        XCTAssertFalse(try timer(stopped).isArmed)
        app.post(LifecycleHarness.active)
        XCTAssertFalse(try timer(stopped).isArmed, "a stopped observer no longer sees the app come back")

        var released: SessionLifecycleObserver? = app.observe(try SessionTracker(path: db), launchState: .active, expiry: try expiry())
        let timer = try timer(try XCTUnwrap(released))
        XCTAssertTrue(timer.isArmed)
        released = nil
        XCTAssertFalse(timer.isArmed)
    }

    func testReadmeExampleSessionEnd() async throws {
        let path = db
        let ends = self.ends!
        let emitSessionEnd: @Sendable (EndedSession) -> Void = { ends.append("\($0.sessionId) \($0.sessionIndex) \($0.eventCount)") }
        var attached: [String] = []
        func attach(_ context: String) { attached.append(context) }
        // README example: ios_session_end
        let expiry = try SessionExpiry(every: 60) { ended in emitSessionEnd(ended) }  // what its expireIfIdle() ends
        let lifecycle = SessionLifecycleObserver(opening: {
            let tracker = try SessionTracker(path: path)
            tracker.onSessionUpdate = { event in if let ended = event.endedSession { emitSessionEnd(ended) } }  // before any event
            return tracker
        }, expiry: expiry)
        let sessions = try await lifecycle.tracker
        if let event = try sessions.track() {
            attach(event.snowplowContextJson)
        }
        if let ended = try sessions.reset(newUserId: true) { emitSessionEnd(ended) }   // logout: the next event is a new user's
        // end README example
        let ended = try XCTUnwrap(ends.all.first).split(separator: " ").map(String.init)
        XCTAssertEqual(ends.all.count, 1)
        XCTAssertEqual(ended[1...], ["1", "1"], "the session the reset ended: index 1, one event")
        XCTAssertTrue(try XCTUnwrap(attached.first).contains(ended[0]))
        XCTAssertNil(try sessions.sessionId)

        // The observer's own events: the Background starts the new user's
        // session; the Foreground after `startNewSession` ends it, and its
        // end reaches `emitSessionEnd` once, through `onSessionUpdate`.
        NotificationCenter.default.post(name: LifecycleHarness.background, object: nil)
        lifecycle.waitUntilIdle()
        let newUsers = try XCTUnwrap(try sessions.sessionId)
        try sessions.startNewSession()
        NotificationCenter.default.post(name: LifecycleHarness.active, object: nil)
        lifecycle.waitUntilIdle()
        XCTAssertEqual(ends.all.dropFirst(), ["\(newUsers) 1 1"])
        XCTAssertEqual(try sessions.sessionIndex, 2)
    }

    /// An expiry that hands each ended session to `ends`, noting a call on the main thread.
    private func expiry(every interval: TimeInterval = 60, leeway: TimeInterval = 0) throws -> SessionExpiry {
        let ends = self.ends!
        return try SessionExpiry(every: interval, leeway: leeway) { ended in
            ends.append("\(ended.sessionId) \(ended.sessionIndex) \(ended.eventCount)\(Thread.isMainThread ? " on the main thread" : "")")
        }
    }

    /// Records each new session `tracker` reports to `onSessionUpdate`, with the session its event ended.
    private func sessionUpdates(of tracker: SessionTracker) -> Log {
        let updates = Log()
        tracker.onSessionUpdate = { event in
            let ended = event.endedSession.map { "\($0.sessionId) \($0.sessionIndex) \($0.eventCount)" } ?? "-"
            updates.append("session \(event.sessionIndex) ended \(ended)\(Thread.isMainThread ? " on the main thread" : "")")
        }
        return updates
    }

    private func timer(_ observer: SessionLifecycleObserver) throws -> ExpiryTimer {
        try XCTUnwrap(observer.expiryTimer)
    }
}
