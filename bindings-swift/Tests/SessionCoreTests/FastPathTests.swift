import Foundation
@testable import SessionCore
import SessionCoreBindings
import XCTest

/// The wrapper's fast path against the generated code: the same answers and
/// errors on one file, every field of every record it reads as the generated
/// code writes it, and a malformed buffer an error, never a crash. (The
/// conformance suite replays every scenario through both paths.)
final class FastPathTests: XCTestCase {
    private var directory: URL!
    private var db: String { directory.appendingPathComponent("sessions.db").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sessioncore-swift-fast-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func open(fastPath: Bool) throws -> SessionCore.SessionTracker {
        let tracker = try SessionCore.SessionTracker(path: db, namespace: "default", config: TrackerConfig(), fastPath: fastPath)
        XCTAssertEqual(tracker.usesFastPath, fastPath)
        return tracker
    }

    func testAppsGetTheFastPath() throws {
        XCTAssertTrue(try SessionCore.SessionTracker(path: db).usesFastPath)
    }

    func testBothPathsAgreeOnOneFile() throws {
        let fast = try open(fastPath: true), generated = try open(fastPath: false)
        let eventId = UUID().uuidString.lowercased()
        let events: [SessionEvent?] = [try fast.track(eventId: eventId), try generated.track(), try fast.background(),
                                       try generated.foreground(), try fast.track(), try generated.track()]
        XCTAssertEqual(events.map { $0?.eventIndex }, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(Set(events.map { $0?.sessionId }).count, 1)
        XCTAssertEqual(events.first??.eventId, eventId)
        XCTAssertNotNil(try generated.background())
        XCTAssertNil(try fast.background(), "already in the background")
        XCTAssertNil(try generated.background(), "already in the background")
        XCTAssertEqual(try fast.state, try generated.state)
        XCTAssertEqual(try fast.sessionId, try generated.sessionId)
        XCTAssertEqual(try fast.sessionIndex, try generated.sessionIndex)
    }

    func testBothPathsThrowTheSameErrors() throws {
        for fastPath in [true, false] {
            let tracker = try open(fastPath: fastPath)
            XCTAssertThrowsError(try tracker.track(eventId: "not-a-uuid")) { error in
                guard case SessionCoreError.InvalidArgument(let argument, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(argument, "eventId")
            }
            try tracker.close()
            let calls: [(String, () throws -> Void)] = [
                ("track", { try tracker.track() }), ("background", { try tracker.background() }),
                ("foreground", { try tracker.foreground() }), ("sessionId", { _ = try tracker.sessionId }),
                ("sessionIndex", { _ = try tracker.sessionIndex }), ("state", { _ = try tracker.state }),
            ]
            for (name, call) in calls {
                XCTAssertThrowsError(try call(), "\(name), fast path \(fastPath)") { error in
                    XCTAssertEqual((error as? SessionCoreError)?.kind, "Closed", "\(name): \(error)")
                }
            }
        }
    }

    /// Every field set, in every reason, and every optional field absent:
    /// what the generated code lowers, the fast path lifts unchanged.
    func testRecordsReadAsTheGeneratedCodeWritesThem() throws {
        let reasons: [NewSessionReason] = [.firstSession, .sessionEnded, .requested, .restart, .anonymityChanged, .clockMovedBackwards,
                                           .foregroundTimeout, .backgroundTimeout, .maxDuration, .eventIndexLimit, .manualStart, .reset]
        let ended = EndedSession(sessionId: "s-0 ✓", sessionIndex: Int32.max, eventCount: -1, startMs: Int64.min, endMs: Int64.max)
        var events = reasons.map { reason in
            SessionEvent(eventId: "e-1", isNewSession: true, newSessionReason: reason, userId: "\u{FEFF}user é 🙂", sessionId: "s-1",
                         previousSessionId: "s-0 ✓", sessionIndex: 7, eventIndex: -3, firstEventId: "", firstEventTimestampMs: 1_700_000_000_123,
                         sessionStartMs: -1, appUserId: "app\0user", rudderstackSessionId: 1_700_000_000, amplitudeSessionId: 0x0102_0304_0506_0708,
                         snowplowContextJson: String(repeating: "{\"schema\":\"iglu:…\"}", count: 40), endedSession: ended)
        }
        events.append(SessionEvent(eventId: "e", isNewSession: false, newSessionReason: nil, userId: "u", sessionId: "s", previousSessionId: nil,
                                   sessionIndex: 1, eventIndex: 2, firstEventId: "f", firstEventTimestampMs: 3, sessionStartMs: 4, appUserId: nil,
                                   rudderstackSessionId: 5, amplitudeSessionId: 6, snowplowContextJson: "{}", endedSession: nil))
        for event in events {
            XCTAssertEqual(try FastPath.lift(FfiConverterTypeSessionEvent_lower(event)) as SessionEvent, event)
        }
        let states = [
            SessionState(userId: "u ✓", sessionId: "s", previousSessionId: "p", sessionIndex: Int32.min, eventIndex: 9, firstEventId: "f",
                         firstEventTimestampMs: Int64.max, sessionStartMs: -2, isInBackground: true, foregroundIndex: 3, backgroundIndex: 4,
                         isPaused: true, isManual: false, isNewSessionPending: true, appUserId: "a"),
            SessionState(userId: "", sessionId: nil, previousSessionId: nil, sessionIndex: nil, eventIndex: nil, firstEventId: nil,
                         firstEventTimestampMs: nil, sessionStartMs: nil, isInBackground: false, foregroundIndex: 0, backgroundIndex: 0,
                         isPaused: false, isManual: true, isNewSessionPending: false, appUserId: nil),
        ]
        for state in states {
            XCTAssertEqual(try FastPath.lift(FfiConverterTypeSessionState_lower(state)) as SessionState, state)
        }
    }

    func testMalformedBuffersAreInternalErrors() throws {
        var event: [UInt8] = []
        FfiConverterTypeSessionEvent.write(try XCTUnwrap(try open(fastPath: true).track()), into: &event)
        assertInternal(Array(event.dropLast()), as: SessionEvent.self, "it ends early")
        assertInternal(event + [0], as: SessionEvent.self, "data after the value")
        assertInternal([2], as: Optional<String>.self, "an optional's tag is 2")
        assertInternal([0xFF, 0xFF, 0xFF, 0xFF], as: String.self, "a negative length")
        assertInternal([], as: Int32.self, "empty")
        assertInternal([1, 0, 0, 0, 9], as: Optional<EndedSession>.self, "a part the generated reader reads ends early")
    }

    private func assertInternal<T: FastLift>(_ bytes: [UInt8], as: T.Type, _ what: String, line: UInt = #line) {
        XCTAssertThrowsError(try FastPath.lift(FastPath.rustBuffer(bytes)) as T, what, line: line) { error in
            XCTAssertEqual((error as? SessionCoreError)?.kind, "Internal", "\(what): \(error)", line: line)
        }
    }
}
