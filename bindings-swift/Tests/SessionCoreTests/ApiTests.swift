import Foundation
import SessionCore
import XCTest

/// The Swift API beyond the scenarios: typed errors, closing, the callback,
/// two trackers on one file.
final class ApiTests: XCTestCase {
    private var directory: URL!
    private var db: String { directory.appendingPathComponent("sessions.db").path }
    private let t0: Int64 = 1_700_000_000_000

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sessioncore-swift-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testReadmeExample() throws {
        let path = db
        // README example: swift
        let tracker = try SessionTracker(path: path, config: TrackerConfig(backgroundTimeoutMs: 600_000))
        tracker.onSessionUpdate = { event in
            print("new session \(event.sessionId) (\(String(describing: event.newSessionReason)))")
        }
        if let event = try tracker.track() {
            let context = event.snowplowContextJson   // attach to the Snowplow event
            print(context)
        }
        try tracker.background()
        print("session \(String(describing: try tracker.sessionIndex)), in background: \(try tracker.isInBackground)")
        try tracker.close()
        // end README example
        XCTAssertEqual(try SessionTracker(path: path).sessionIndex, 1)
    }

    func testInvalidConfigNamesTheField() throws {
        XCTAssertThrowsError(try SessionTracker(path: db, config: TrackerConfig(foregroundTimeoutMs: -1))) { error in
            guard case SessionCoreError.InvalidConfig(let field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "foregroundTimeoutMs")
        }
        XCTAssertThrowsError(try SessionTracker(path: db, namespace: "")) { error in
            XCTAssertEqual((error as? SessionCoreError)?.kind, "InvalidConfig")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
    }

    func testBadArgumentsAreInvalidArgument() throws {
        let tracker = try SessionTracker(path: db)
        XCTAssertThrowsError(try tracker.startManualSession(customId: 123)) { error in
            guard case SessionCoreError.InvalidArgument(let argument, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(argument, "customId")
        }
        XCTAssertThrowsError(try tracker.track(eventId: "not-a-uuid")) { error in
            XCTAssertEqual((error as? SessionCoreError)?.kind, "InvalidArgument")
        }
        XCTAssertNil(try tracker.sessionId)
    }

    func testUnwritablePathIsAStorageError() {
        XCTAssertThrowsError(try SessionTracker(path: directory.appendingPathComponent("missing/dir/sessions.db").path)) { error in
            XCTAssertEqual((error as? SessionCoreError)?.kind, "Storage")
        }
    }

    func testClosedTrackerThrowsClosed() throws {
        let tracker = try SessionTracker(path: db)
        try tracker.close()
        try tracker.close()
        XCTAssertThrowsError(try tracker.track()) { error in
            XCTAssertEqual((error as? SessionCoreError)?.kind, "Closed")
        }
    }

    func testCallbackFiresOncePerNewSession() throws {
        var now = t0
        let seen = Seen()
        let tracker = try SessionTracker(path: db, config: TrackerConfig(foregroundTimeoutMs: 1000))
        tracker.onSessionUpdate = { seen.append($0) }
        for step: Int64 in [0, 10, 10, 5000, 10] {
            now += step
            try tracker.track(at: ClockReading(wallMs: now))
        }
        XCTAssertEqual(seen.events.map(\.sessionIndex), [1, 2])
        XCTAssertEqual(seen.events.map(\.eventIndex), [1, 1])
    }

    func testTwoTrackersOnOneFileStayConsistent() throws {
        let a = try SessionTracker(path: db)
        let b = try SessionTracker(path: db)
        let first = try XCTUnwrap(try a.track())
        XCTAssertEqual(try b.sessionId, first.sessionId)
        XCTAssertEqual(try b.track()?.eventIndex, 2)
        XCTAssertEqual(try a.track()?.eventIndex, 3)
        XCTAssertEqual(try a.userId, try b.userId)
    }
}

private final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [SessionEvent] = []
    var events: [SessionEvent] { lock.withLock { list } }
    func append(_ event: SessionEvent) { lock.withLock { list.append(event) } }
}
