import Foundation
import SessionCore

/// A scenario expectation that did not hold, or a malformed scenario.
struct ScenarioFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The clock the runner moves before each step.
final class ManualClock: @unchecked Sendable {
    var nowMs: Int64 = 0
}

/// Replays one conformance scenario (docs/scenario-format.md) through the
/// Swift wrapper. The Rust runner (core/src/scenario/) is the reference.
final class ScenarioRunner {
    static let nilUUID = "00000000-0000-0000-0000-000000000000"
    static let schema = "iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2"
    static let topKeys: Set<String> = ["name", "rules", "description", "config", "startMs", "steps"]
    static let configKeys: Set<String> = ["foregroundTimeoutMs", "backgroundTimeoutMs", "continueSessionOnRestart", "maxSessionDurationMs", "anonymous"]
    static let commonKeys: Set<String> = ["op", "namespace", "comment", "expect", "state", "expectError"]
    static let eventOps: Set<String> = ["track", "background", "foreground"]
    static let opFields: [String: (required: Set<String>, optional: Set<String>)] = [
        "track": (["at"], ["eventId"]), "background": (["at"], ["eventId"]), "foreground": (["at"], ["eventId"]),
        "restart": ([], ["config"]), "startNewSession": ([], []), "pause": ([], []), "resume": ([], []),
        "setAnonymous": (["value"], []), "setAppUserId": (["value"], []), "startManualSession": (["at"], ["customId"]),
        "endSession": ([], []), "check": ([], ["at"]), "seedIndexes": (["sessionIndex", "eventIndex"], []),
    ]
    static let expectKeys: Set<String> = ["entity", "session", "previousSession", "sessionIndex", "eventIndex", "firstEventId", "firstEventAt",
                                          "userId", "appUserId", "isNewSession", "newSessionReason", "rudderSessionId", "amplitudeSessionId"]
    static let stateKeys: Set<String> = ["session", "previousSession", "sessionIndex", "eventIndex", "isInBackground", "foregroundIndex",
                                         "backgroundIndex", "userId", "appUserId"]
    static let errorKinds: Set<String> = ["InvalidConfig", "InvalidArgument", "Storage", "Closed", "Internal"]

    private let file: URL
    private let scenario: [String: Any]
    private let startMs: Int64
    private let directory: URL
    private var config: TrackerConfig
    private let clock = ManualClock()
    private var order: [String] = []
    private var trackers: [String: SessionTracker] = [:]
    private var sessions = Labels(), users = Labels(), events = Labels()

    init(file: URL) throws {
        self.file = file
        guard let scenario = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] else {
            throw ScenarioFailure("not a JSON object")
        }
        self.scenario = scenario
        startMs = (scenario["startMs"] as? NSNumber)?.int64Value ?? 0
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sessioncore-swift-\(UUID().uuidString)")
        config = try ScenarioRunner.merged(TrackerConfig(), scenario["config"] as? [String: Any] ?? [:])
    }

    static func scenarioFiles() -> [URL] {
        var dirs = [ProcessInfo.processInfo.environment["SESSIONCORE_SCENARIO_DIR"] ?? ""]
        if let extra = ProcessInfo.processInfo.environment["SESSIONCORE_SCENARIOS"], !extra.isEmpty { dirs.append(extra) }
        return dirs.filter { !$0.isEmpty }.flatMap { dir -> [URL] in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            return names.filter { $0.hasSuffix(".json") }.map { URL(fileURLWithPath: dir).appendingPathComponent($0) }
        }.sorted { $0.path < $1.path }
    }

    func run() throws {
        try validate()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            for tracker in trackers.values { try? tracker.close() }
            try? FileManager.default.removeItem(at: directory)
        }
        _ = try tracker("default")
        let steps = scenario["steps"] as? [[String: Any]] ?? []
        for (index, step) in steps.enumerated() {
            do {
                try self.step(step)
            } catch let failure as ScenarioFailure {
                throw ScenarioFailure("step \(index + 1) (\(step["op"] ?? "?")): \(failure)")
            }
        }
    }

    private func validate() throws {
        try unknown(scenario, ScenarioRunner.topKeys, "scenario")
        try unknown(scenario["config"] as? [String: Any] ?? [:], ScenarioRunner.configKeys, "config")
        guard scenario["name"] as? String == file.deletingPathExtension().lastPathComponent else {
            throw ScenarioFailure("name is not the file name")
        }
        for (index, step) in (scenario["steps"] as? [[String: Any]] ?? []).enumerated() {
            let op = step["op"] as? String ?? ""
            guard let fields = ScenarioRunner.opFields[op] else { throw ScenarioFailure("step \(index + 1): unknown op \(op)") }
            try unknown(step, ScenarioRunner.commonKeys.union(fields.required).union(fields.optional), "step \(index + 1) (\(op))")
            if let missing = fields.required.first(where: { step[$0] == nil }) {
                throw ScenarioFailure("step \(index + 1): op \(op) needs \(missing)")
            }
            if step["expect"] != nil && !ScenarioRunner.eventOps.contains(op) {
                throw ScenarioFailure("step \(index + 1): op \(op) takes no expect")
            }
            try unknown(step["expect"] as? [String: Any] ?? [:], ScenarioRunner.expectKeys, "step \(index + 1) expect")
            try unknown(step["state"] as? [String: Any] ?? [:], ScenarioRunner.stateKeys, "step \(index + 1) state")
            try unknown(step["config"] as? [String: Any] ?? [:], ScenarioRunner.configKeys, "step \(index + 1) config")
            if let kind = step["expectError"] as? String, !ScenarioRunner.errorKinds.contains(kind) {
                throw ScenarioFailure("step \(index + 1): unknown error kind \(kind)")
            }
        }
    }

    private func unknown(_ object: [String: Any], _ known: Set<String>, _ place: String) throws {
        let extra = Set(object.keys).subtracting(known)
        if !extra.isEmpty { throw ScenarioFailure("\(place): unknown keys \(extra.sorted())") }
    }

    static func merged(_ base: TrackerConfig, _ patch: [String: Any]) throws -> TrackerConfig {
        func int(_ key: String) -> Int64? { (patch[key] as? NSNumber)?.int64Value }
        var config = base
        if let v = int("foregroundTimeoutMs") { config.foregroundTimeoutMs = v }
        if let v = int("backgroundTimeoutMs") { config.backgroundTimeoutMs = v }
        if let v = patch["continueSessionOnRestart"] as? Bool { config.continueSessionOnRestart = v }
        if patch.keys.contains("maxSessionDurationMs") { config.maxSessionDurationMs = int("maxSessionDurationMs") }
        if let v = patch["anonymous"] as? Bool { config.anonymous = v }
        return config
    }

    private func open(_ namespace: String, _ config: TrackerConfig) throws -> SessionTracker {
        let clock = self.clock
        return try SessionTracker(path: directory.appendingPathComponent("sessions.db").path, namespace: namespace,
                                  config: config, clock: { clock.nowMs })
    }

    private func tracker(_ namespace: String) throws -> SessionTracker {
        if let tracker = trackers[namespace] { return tracker }
        let tracker = try open(namespace, config)
        trackers[namespace] = tracker
        order.append(namespace)
        return tracker
    }

    private func restart(_ patch: [String: Any]) throws {
        let next = try ScenarioRunner.merged(config, patch)
        for tracker in trackers.values { try tracker.close() }
        var failure: Error?
        for namespace in order {
            do {
                trackers[namespace] = try open(namespace, next)
            } catch {
                failure = error
                trackers[namespace] = try open(namespace, config)
            }
        }
        if let failure { throw failure }
        config = next
    }

    private func step(_ step: [String: Any]) throws {
        let expectedError = step["expectError"] as? String
        var event: SessionEvent?
        do {
            event = try call(step)
            if let expectedError { throw ScenarioFailure("expected a \(expectedError) error, the call succeeded") }
        } catch let error as SessionCoreError {
            if error.kind != expectedError { throw ScenarioFailure("unexpected error: \(error.kind) (\(error))") }
        }
        if let event { try checkConsistency(event) }
        if let expect = step["expect"] as? [String: Any] { try checkEvent(expect, event) }
        if let expect = step["state"] as? [String: Any] {
            try checkState(expect, try tracker(step["namespace"] as? String ?? "default").state)
        }
    }

    private func call(_ step: [String: Any]) throws -> SessionEvent? {
        let op = step["op"] as? String ?? ""
        if op == "restart" {
            try restart(step["config"] as? [String: Any] ?? [:])
            return nil
        }
        let tracker = try tracker(step["namespace"] as? String ?? "default")
        clock.nowMs = startMs + ((step["at"] as? NSNumber)?.int64Value ?? 0)
        let eventId = (step["eventId"] as? String).map { events.idFor($0) }
        switch op {
        case "track": return try tracker.track(eventId: eventId)
        case "background": return try tracker.background(eventId: eventId)
        case "foreground": return try tracker.foreground(eventId: eventId)
        case "startNewSession": try tracker.startNewSession()
        case "pause": try tracker.pause()
        case "resume": try tracker.resume()
        case "setAnonymous": try tracker.setAnonymous(step["value"] as? Bool ?? false)
        case "setAppUserId": try tracker.setAppUserId(step["value"] as? String)
        case "startManualSession": try tracker.startManualSession(customId: (step["customId"] as? NSNumber)?.int64Value)
        case "endSession": try tracker.endSession()
        case "seedIndexes":
            try tracker.setIndexesForTesting(sessionIndex: (step["sessionIndex"] as? NSNumber)?.int64Value ?? 0,
                                             eventIndex: (step["eventIndex"] as? NSNumber)?.int64Value ?? 0)
        default: break
        }
        return nil
    }

    private func isNull(_ object: [String: Any], _ key: String) -> Bool { object[key] is NSNull }

    private func checkEvent(_ expect: [String: Any], _ event: SessionEvent?) throws {
        let wantsNone = isNull(expect, "entity")
        guard let event else {
            if wantsNone { return }
            throw ScenarioFailure("expected an entity, got none")
        }
        if wantsNone { throw ScenarioFailure("expected no entity, got session \(event.sessionId)") }
        if expect.keys.contains("session") { try checkSession("session", expect["session"] as? String, event.sessionId) }
        if expect.keys.contains("previousSession") {
            try checkSession("previousSession", expect["previousSession"] as? String, event.previousSessionId)
        }
        if let label = expect["userId"] as? String { try checkUser(label, event.userId) }
        if let label = expect["firstEventId"] as? String { try events.check("firstEventId", label, event.firstEventId) }
        let reason: String? = event.newSessionReason.map { String(describing: $0) }
        try compare(expect, "", [
            "sessionIndex": json(Int64(event.sessionIndex)), "eventIndex": json(Int64(event.eventIndex)),
            "firstEventAt": json(event.firstEventTimestampMs - startMs), "appUserId": try json(event.appUserId),
            "isNewSession": json(event.isNewSession), "newSessionReason": try json(reason),
            "rudderSessionId": json(event.rudderstackSessionId), "amplitudeSessionId": json(event.amplitudeSessionId),
        ])
    }

    private func checkState(_ expect: [String: Any], _ state: SessionState) throws {
        if expect.keys.contains("session") { try checkSession("state session", expect["session"] as? String, state.sessionId) }
        if expect.keys.contains("previousSession") {
            try checkSession("state previousSession", expect["previousSession"] as? String, state.previousSessionId)
        }
        if let label = expect["userId"] as? String { try checkUser(label, state.userId) }
        try compare(expect, "state ", [
            "sessionIndex": json(state.sessionIndex.map { Int64($0) }), "eventIndex": json(state.eventIndex.map { Int64($0) }),
            "isInBackground": json(state.isInBackground), "foregroundIndex": json(Int64(state.foregroundIndex)),
            "backgroundIndex": json(Int64(state.backgroundIndex)), "appUserId": try json(state.appUserId),
        ])
    }

    /// Compares as JSON text, so that numbers, booleans, strings and null
    /// compare the same way on every Foundation.
    private func compare(_ expect: [String: Any], _ prefix: String, _ actual: [String: String]) throws {
        for (key, actualText) in actual {
            guard let wanted = expect[key] else { continue }
            let wantedText = try jsonText(wanted)
            if actualText != wantedText { throw ScenarioFailure("\(prefix)\(key): expected \(wantedText), got \(actualText)") }
        }
    }

    private func jsonText(_ value: Any) throws -> String {
        let text = String(decoding: try JSONSerialization.data(withJSONObject: [value]), as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }

    private func json(_ value: Int64?) -> String { value.map { "\($0)" } ?? "null" }
    private func json(_ value: Bool) -> String { value ? "true" : "false" }
    private func json(_ value: String?) throws -> String { try value.map { try jsonText($0) } ?? "null" }

    private func checkSession(_ what: String, _ label: String?, _ actual: String?) throws {
        guard let label, let actual else {
            if label != nil || actual != nil { throw ScenarioFailure("\(what): expected \(label ?? "null"), got \(actual ?? "null")") }
            return
        }
        try sessions.check(what, label, actual)
    }

    private func checkUser(_ label: String, _ actual: String) throws {
        if label == "anonymous" || actual == ScenarioRunner.nilUUID {
            if (label == "anonymous") != (actual == ScenarioRunner.nilUUID) {
                throw ScenarioFailure("userId: expected \(label), got \(actual)")
            }
            return
        }
        try users.check("userId", label, actual)
    }

    /// Rule 12: the Snowplow JSON says what the record says.
    private func checkConsistency(_ event: SessionEvent) throws {
        guard let entity = try JSONSerialization.jsonObject(with: Data(event.snowplowContextJson.utf8)) as? [String: Any],
              let data = entity["data"] as? [String: Any] else { throw ScenarioFailure("entity is not a JSON object") }
        let consistent = entity["schema"] as? String == ScenarioRunner.schema
            && data["userId"] as? String == event.userId
            && data["sessionId"] as? String == event.sessionId
            && (data["sessionIndex"] as? NSNumber)?.int32Value == event.sessionIndex
            && (data["eventIndex"] as? NSNumber)?.int32Value == event.eventIndex
            && data["previousSessionId"] as? String == event.previousSessionId
            && data["storageMechanism"] as? String == "SQLITE"
            && data["firstEventId"] as? String == event.firstEventId
            && (data["firstEventTimestamp"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil
        if !consistent { throw ScenarioFailure("entity JSON \(event.snowplowContextJson) disagrees with the record") }
    }
}

struct Labels {
    private var byLabel: [String: String] = [:]
    private var byValue: [String: String] = [:]

    mutating func check(_ what: String, _ label: String, _ actual: String) throws {
        if let bound = byLabel[label] {
            if bound != actual { throw ScenarioFailure("\(what): expected \(label) (\(bound)), got \(actual)") }
            return
        }
        if let other = byValue[actual] { throw ScenarioFailure("\(what): expected a new id for \(label), got \(actual), which is \(other)") }
        byLabel[label] = actual
        byValue[actual] = label
    }

    mutating func idFor(_ label: String) -> String {
        if let id = byLabel[label] { return id }
        let id = UUID().uuidString.lowercased()
        byLabel[label] = id
        byValue[id] = label
        return id
    }
}
