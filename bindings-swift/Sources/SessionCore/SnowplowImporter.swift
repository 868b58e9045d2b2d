import Foundation

/// Takes over the install's user id and the current session that the
/// Snowplow iOS tracker (snowplow/snowplow-ios-tracker, versions 3.2 to 6.2)
/// stored for one namespace (rule 21), read where and as that tracker
/// writes them, and never changed:
/// - the user id: `UserDefaults.standard`, key `SPInstallationUserId`
///   (`Session.retrieveUserId` in Sources/Core/Session/Session.swift, which
///   writes it whenever a tracker starts, since version 2.2.2);
/// - the session: the property list `DataPersistence` writes
///   (Sources/Core/Utils/DataPersistence.swift) at
///   `Application Support/snowplow/namespace_<namespace>.dict`, with every
///   run of characters other than letters, digits and `_` in the namespace
///   replaced by `-`; or, where the tracker could not create that directory,
///   the same dictionary in `UserDefaults.standard` under
///   `SPSessionDictionary_<namespace>`. Its entry `session` holds `sessionId`,
///   `sessionIndex`, `previousSessionId` (absent for none), `firstEventId`,
///   `firstEventTimestamp` (`yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`, UTC, from
///   version 3.2) and, from version 6.2, `eventIndex`
///   (Sources/Snowplow/Tracker/SessionState.swift).
///
/// The store keeps no moment of the session later than its first event
/// (version 6.2's `lastUpdate`, kept only with `continueSessionOnRestart`,
/// is not read: see docs/integration-ios.md), so `lastActivityMs` is the
/// first event's time, the latest moment the store proves the session was
/// active; and `eventIndex` is the stored count, at least 1 (the stored first
/// event). The next event therefore continues the session only within the
/// timeout of its first event; otherwise it starts the next session, with
/// the imported one as its previous session.
public struct SnowplowImporter: SessionStore {
    public let namespace: String
    private let sessionFile: URL?
    private let defaults: UserDefaults
    private let escapedNamespace: String

    /// `applicationSupport` (default: the app's Application Support directory)
    /// and `defaults` are where the tracker keeps its state; tests pass others.
    public init(namespace: String, applicationSupport: URL? = nil, defaults: UserDefaults = .standard) {
        self.namespace = namespace
        self.defaults = defaults
        escapedNamespace = namespace.replacingOccurrences(of: "[^a-zA-Z0-9_]+", with: "-", options: .regularExpression)
        sessionFile = (applicationSupport ?? FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask).last)?
            .appendingPathComponent("snowplow/namespace_\(escapedNamespace).dict")
    }

    /// Imports the stored session where the tracker's namespace has none yet;
    /// throws `SessionImportError` for a stored value it cannot take over.
    public func importState(into tracker: SessionTracker) throws -> SessionImportReport {
        try tracker.importSession(from: self)
    }

    var source: String {
        "Snowplow iOS tracker, namespace \"\(namespace)\" (\(sessionFile?.path ?? sessionDefaultsKey))"
    }

    var fields: [String: String] { [
        "state.userId": Self.installationUserIdKey,
        "state.sessionId": "sessionId",
        "state.previousSessionId": "previousSessionId",
        "state.sessionIndex": "sessionIndex",
        "state.eventIndex": "eventIndex",
        "state.firstEventId": "firstEventId",
        "state.firstEventMs": "firstEventTimestamp",
        "state.lastActivityMs": "firstEventTimestamp",
    ] }

    func read() throws -> ImportedState? {
        guard let session = try storedSession(), session["sessionId"] != nil else { return nil }
        let storedEventIndex: Int = try value(session["eventIndex"], "eventIndex") ?? 0
        guard storedEventIndex >= 0 else { throw unusable("eventIndex", "\(storedEventIndex) is negative") }
        let firstEventMs = try time(required(session["firstEventTimestamp"], "firstEventTimestamp"), "firstEventTimestamp")
        let firstEventId: String? = try value(session["firstEventId"], "firstEventId").flatMap { $0.isEmpty ? nil : $0 }
        return ImportedState(
            userId: try required(defaults.object(forKey: Self.installationUserIdKey), Self.installationUserIdKey),
            sessionId: try required(session["sessionId"], "sessionId"),
            sessionIndex: Int64(try required(session["sessionIndex"], "sessionIndex") as Int),
            previousSessionId: try value(session["previousSessionId"], "previousSessionId"),
            eventIndex: Int64(max(storedEventIndex, 1)),
            lastActivityMs: firstEventMs,
            firstEventId: firstEventId,
            firstEventMs: firstEventId.map { _ in firstEventMs }
        )
    }

    private static let installationUserIdKey = "SPInstallationUserId"
    private var sessionDefaultsKey: String { "SPSessionDictionary_\(escapedNamespace)" }

    /// `DataPersistence.data[session]`: from the file when there is one, as the tracker reads it.
    private func storedSession() throws -> [String: Any]? {
        let stored: [String: Any]
        if let sessionFile, FileManager.default.fileExists(atPath: sessionFile.path) {
            guard let data = try? Data(contentsOf: sessionFile),
                  let plist = try? PropertyListSerialization.propertyList(from: data, format: nil) as? [String: Any]
            else { throw unusable(sessionFile.lastPathComponent, "not a property list holding a dictionary") }
            stored = plist
        } else if let inDefaults = defaults.dictionary(forKey: sessionDefaultsKey) {
            stored = inDefaults
        } else {
            return nil
        }
        return try value(stored["session"], "session")
    }

    /// Epoch ms of `Utilities.timestamp(toISOString:)`'s format.
    private func time(_ iso: String, _ field: String) throws -> Int64 {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        guard let date = formatter.date(from: iso) else { throw unusable(field, "`\(iso)` is not a yyyy-MM-dd'T'HH:mm:ss.SSS'Z' time") }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
