import Foundation
import SessionCore
import XCTest

/// The Snowplow importer against the Snowplow iOS tracker's own storage,
/// written here as that tracker writes it (snowplow/snowplow-ios-tracker):
/// `DataPersistence.storeDictionary` (Sources/Core/Utils/DataPersistence.swift)
/// writes `["session": <session>]` with `NSDictionary.write(to:)`, a binary
/// property list, at `Application Support/snowplow/namespace_<escaped>.dict`;
/// the session holds `SessionState`'s keys (Sources/Snowplow/Tracker/SessionState.swift,
/// Sources/Core/TrackerConstants.swift); `Session.retrieveUserId`
/// (Sources/Core/Session/Session.swift) keeps `SPInstallationUserId` in the
/// standard defaults, here a suite of the test's own, removed afterwards.
final class SnowplowImportTests: XCTestCase {
    private let installationUserId = "6b2c1f3e-93f4-4c3a-9d55-3f8e2a1b7c40"
    private let sessionId = "0f7d8f5e-2c4b-4a8e-b0f4-6d3c2b1a9e87"
    private let previousSessionId = "5a1e9c7d-3b2f-4e6a-8c9d-1f0e2d3c4b5a"
    private let firstEventId = "c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f"
    private let namespace = "app.tracker"
    private var directory: URL!
    private var suiteName: String!
    private var defaults: UserDefaults!
    private var sessionFile: URL { directory.appendingPathComponent("snowplow/namespace_app-tracker.dict") }
    private var importer: SnowplowImporter { SnowplowImporter(namespace: namespace, applicationSupport: directory, defaults: defaults) }
    private var db: String { directory.appendingPathComponent("sessions.db").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sessioncore-snowplow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        suiteName = "dev.sessioncore.tests.snowplow.\(UUID().uuidString)"
        defaults = try XCTUnwrap(UserDefaults(suiteName: suiteName))
    }

    override func tearDownWithError() throws {
        defaults.removePersistentDomain(forName: suiteName)
        try? FileManager.default.removeItem(at: directory)
    }

    func testASessionWithinTheTimeoutIsContinued() throws {
        let firstMs = now() - 5 * 60_000
        try storeSnowplowSession(firstEventMs: firstMs)
        let stored = try storedBytes()
        let tracker = try SessionTracker(path: db)

        let report = try importer.importState(into: tracker)
        XCTAssertEqual(report.source, "Snowplow iOS tracker, namespace \"app.tracker\" (\(sessionFile.path))")
        XCTAssertEqual(report.outcome, .imported(ImportedState(
            userId: installationUserId, sessionId: sessionId, sessionIndex: 7, previousSessionId: previousSessionId,
            eventIndex: 1, lastActivityMs: firstMs, firstEventId: firstEventId, firstEventMs: firstMs
        )))
        let state = try tracker.state
        XCTAssertEqual(state.userId, installationUserId)
        XCTAssertEqual(state.sessionId, sessionId)
        XCTAssertEqual(state.previousSessionId, previousSessionId)
        XCTAssertEqual(state.sessionIndex, 7)
        XCTAssertEqual(state.eventIndex, 1)
        XCTAssertEqual(state.firstEventId, firstEventId)
        XCTAssertEqual(state.firstEventTimestampMs, firstMs)

        let next = try XCTUnwrap(try tracker.track())
        XCTAssertFalse(next.isNewSession)
        XCTAssertEqual([next.userId, next.sessionId, next.firstEventId], [installationUserId, sessionId, firstEventId])
        XCTAssertEqual([next.sessionIndex, next.eventIndex], [7, 2])

        XCTAssertEqual(try importer.importState(into: tracker).outcome, .keptExistingSession, "a second run changes nothing")
        XCTAssertEqual(try tracker.state.eventIndex, 2)
        XCTAssertEqual(try storedBytes(), stored, "the Snowplow tracker's data is as it was")
    }

    func testASessionPastTheTimeoutIsFollowedByTheNextOne() throws {
        let firstMs = now() - 2 * 3_600_000
        try storeSnowplowSession(firstEventMs: firstMs, changing: ["eventIndex": 4, "previousSessionId": nil])
        let tracker = try SessionTracker(path: db)

        let report = try importer.importState(into: tracker)
        XCTAssertEqual(report.outcome, .imported(ImportedState(
            userId: installationUserId, sessionId: sessionId, sessionIndex: 7, previousSessionId: nil,
            eventIndex: 4, lastActivityMs: firstMs, firstEventId: firstEventId, firstEventMs: firstMs
        )))
        let next = try XCTUnwrap(try tracker.track())
        XCTAssertTrue(next.isNewSession)
        XCTAssertEqual(next.userId, installationUserId)
        XCTAssertEqual(next.previousSessionId, sessionId)
        XCTAssertEqual([next.sessionIndex, next.eventIndex], [8, 1])
        XCTAssertEqual(next.endedSession, EndedSession(sessionId: sessionId, sessionIndex: 7, eventCount: 4, startMs: firstMs, endMs: firstMs))
    }

    func testTheDefaultsCopyIsReadWhereTheTrackerHadNoDirectory() throws {
        let firstMs = now() - 60_000
        defaults.set(installationUserId, forKey: "SPInstallationUserId")
        defaults.set(["session": snowplowSession(firstEventMs: firstMs)], forKey: "SPSessionDictionary_app-tracker")
        let tracker = try SessionTracker(path: db)

        XCTAssertEqual(try importer.importState(into: tracker).outcome, .imported(ImportedState(
            userId: installationUserId, sessionId: sessionId, sessionIndex: 7, previousSessionId: previousSessionId,
            eventIndex: 1, lastActivityMs: firstMs, firstEventId: firstEventId, firstEventMs: firstMs
        )))
    }

    func testNothingStoredImportsNothing() throws {
        let tracker = try SessionTracker(path: db)
        let userId = try tracker.userId
        XCTAssertEqual(try importer.importState(into: tracker).outcome, .nothingStored)

        // What the tracker writes before its first event: no session yet.
        try storeSnowplow(["session": ["firstEventId": "", "storageMechanism": "LOCAL_STORAGE"]])
        XCTAssertEqual(try importer.importState(into: tracker).outcome, .nothingStored)
        XCTAssertEqual(try tracker.userId, userId)
        XCTAssertNil(try tracker.sessionId)
    }

    func testAFileWithASessionAlreadyKeepsIt() throws {
        let tracker = try SessionTracker(path: db)
        let own = try XCTUnwrap(try tracker.track())
        try storeSnowplowSession(firstEventMs: now())
        XCTAssertEqual(try importer.importState(into: tracker).outcome, .keptExistingSession)
        XCTAssertEqual(try tracker.sessionId, own.sessionId)
    }

    func testUnusableValuesAreRefusedNamingTheField() throws {
        let unusable: [(String, [String: Any?])] = [
            ("sessionId", ["sessionId": "not-a-uuid"]),
            ("sessionId", ["sessionId": 42]),
            ("sessionIndex", ["sessionIndex": "7"]),
            ("sessionIndex", ["sessionIndex": 0]),
            ("sessionIndex", ["sessionIndex": nil]),
            ("previousSessionId", ["previousSessionId": "previous"]),
            ("eventIndex", ["eventIndex": -1]),
            ("eventIndex", ["eventIndex": 1.5]),
            ("firstEventId", ["firstEventId": "first"]),
            ("firstEventTimestamp", ["firstEventTimestamp": "2026-11-30 09:15"]),
            ("firstEventTimestamp", ["firstEventTimestamp": nil]),
        ]
        let tracker = try SessionTracker(path: db)
        let userId = try tracker.userId
        for (field, changes) in unusable {
            try storeSnowplowSession(firstEventMs: now(), changing: changes)
            assertRefused(into: tracker, naming: field, "\(changes)")
        }
        try storeSnowplowSession(firstEventMs: now())
        defaults.set("not-a-uuid", forKey: "SPInstallationUserId")
        assertRefused(into: tracker, naming: "SPInstallationUserId", "a user id that is no UUID")
        defaults.removeObject(forKey: "SPInstallationUserId")
        assertRefused(into: tracker, naming: "SPInstallationUserId", "no user id")
        try Data("not a property list".utf8).write(to: sessionFile)
        assertRefused(into: tracker, naming: "namespace_app-tracker.dict", "a damaged file")

        XCTAssertEqual(try tracker.userId, userId, "nothing imported")
        XCTAssertNil(try tracker.sessionId)
        XCTAssertEqual(try String(contentsOf: sessionFile, encoding: .utf8), "not a property list", "nor changed")
    }

    func testReadmeExampleMigration() async throws {
        let path = db
        // README example: ios_migration
        let lifecycle = SessionLifecycleObserver(opening: {
            let tracker = try SessionTracker(path: path)
            do {  // before any event, at every launch: it reads nothing once this namespace has a session
                let report = try SnowplowImporter(namespace: "appTracker").importState(into: tracker)
                print("sessioncore: \(report.outcome) from \(report.source)")
            } catch let error as SessionImportError {
                print("sessioncore: nothing imported: \(error)")  // a stored value it cannot take over
            }
            return tracker
        })
        // end README example
        let sessions = try await lifecycle.tracker
        XCTAssertNil(try sessions.sessionId, "no Snowplow tracker stored anything on this machine")
    }

    private func assertRefused(into tracker: SessionTracker, naming field: String, _ what: String, line: UInt = #line) {
        XCTAssertThrowsError(try importer.importState(into: tracker), what, line: line) { error in
            XCTAssertEqual((error as? SessionImportError)?.field, field, "\(what): \(error)", line: line)
        }
    }

    /// A session as `Session.update` stores it: `SessionState`'s dictionary,
    /// without `previousSessionId` when there is none (a property list cannot hold nil).
    private func snowplowSession(firstEventMs: Int64, changing changes: [String: Any?] = [:]) -> [String: Any] {
        var session: [String: Any] = [
            "sessionId": sessionId, "previousSessionId": previousSessionId, "sessionIndex": 7,
            "firstEventId": firstEventId, "firstEventTimestamp": isoTimestamp(firstEventMs),
            "storageMechanism": "LOCAL_STORAGE", "userId": installationUserId,
        ]
        for (key, value) in changes { session[key] = value }
        return session
    }

    private func storeSnowplowSession(firstEventMs: Int64, changing changes: [String: Any?] = [:]) throws {
        defaults.set(installationUserId, forKey: "SPInstallationUserId")
        try storeSnowplow(["session": snowplowSession(firstEventMs: firstEventMs, changing: changes)])
    }

    private func storeSnowplow(_ data: [String: Any]) throws {
        try FileManager.default.createDirectory(at: sessionFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try PropertyListSerialization.data(fromPropertyList: data, format: .binary, options: 0).write(to: sessionFile)
    }

    private func storedBytes() throws -> [Data?] {
        [try Data(contentsOf: sessionFile), defaults.string(forKey: "SPInstallationUserId").map { Data($0.utf8) }]
    }

    /// `Utilities.timestamp(toISOString:)`.
    private func isoTimestamp(_ ms: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    private func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
