import Foundation
@testable import SessionCore

/// Swift's conformance driver: runs the steps the checker resolved
/// (tests/conformance) through the public wrapper, on its fast path or on the
/// generated code alone, and returns the trace. What the trace must say is
/// the checker's business, not this file's.
final class ScenarioDriver {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sessioncore-swift-\(UUID().uuidString)")
    private let steps: [[String: Any]]
    private var config: TrackerConfig
    private var order: [String] = []  // namespaces in order of first use
    private var trackers: [String: SessionTracker] = [:]
    private let fastPath: Bool

    init(resolved: [String: Any], fastPath: Bool) {
        steps = resolved["steps"] as? [[String: Any]] ?? []
        config = ScenarioDriver.config(resolved["config"])
        self.fastPath = fastPath
    }

    func trace() throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            for tracker in trackers.values { try? tracker.close() }
            try? FileManager.default.removeItem(at: directory)
        }
        return try steps.enumerated().map { number, step in
            let (returned, error) = outcome { try self.call(step) }
            let (getters, gettersError) = outcome { try self.getters(self.tracker(step["namespace"] as? String ?? "")) }
            let line: [String: Any] = ["step": number, "op": step["op"] ?? NSNull(), "returned": returned, "error": error,
                                       "getters": gettersError is NSNull ? getters : ["error": gettersError]]
            return String(decoding: try JSONSerialization.data(withJSONObject: line), as: UTF8.self) + "\n"
        }.joined()
    }

    private func outcome(_ call: () throws -> Any) -> (Any, Any) {
        do { return (ScenarioDriver.json(try call()), NSNull()) } catch let error as SessionCoreError { return (NSNull(), error.kind) } catch {
            return (NSNull(), "\(error)")
        }
    }

    private func open(_ namespace: String, _ config: TrackerConfig) throws -> SessionTracker {
        try SessionTracker(path: directory.appendingPathComponent("sessions.db").path, namespace: namespace, config: config, fastPath: fastPath)
    }

    private func tracker(_ namespace: String) throws -> SessionTracker {
        if let tracker = trackers[namespace] { return tracker }
        trackers[namespace] = try open(namespace, config)
        order.append(namespace)
        return trackers[namespace]!
    }

    /// Closes every tracker, then reopens each with `next`, or with the configuration in effect when `next` is refused.
    private func restart(_ next: TrackerConfig) throws {
        for tracker in trackers.values { try tracker.close() }
        var refused: Error?
        for namespace in order {
            do { trackers[namespace] = try open(namespace, next) } catch { refused = error; trackers[namespace] = try open(namespace, config) }
        }
        if let refused { throw refused }
        config = next
    }

    private func call(_ step: [String: Any]) throws -> Any {
        let op = step["op"] as? String ?? ""
        if op == "restart" { return try restart(ScenarioDriver.config(step["config"])) }
        let tracker = try self.tracker(step["namespace"] as? String ?? "")
        let at = (step["at"] as? [String: Any]).map { at in
            ClockReading(wallMs: (at["wallMs"] as? NSNumber)?.int64Value ?? 0, boot: (at["boot"] as? [String: Any]).map {
                BootClockReading(bootId: $0["bootId"] as? String ?? "", uptimeMs: ($0["uptimeMs"] as? NSNumber)?.int64Value ?? 0)
            })
        }
        let eventId = step["eventId"] as? String
        switch op {
        case "track": return try tracker.track(eventId: eventId, at: at) as Any
        case "background": return try tracker.background(eventId: eventId, at: at) as Any
        case "foreground": return try tracker.foreground(eventId: eventId, at: at) as Any
        case "launch": return try tracker.launch(inBackground: step["inBackground"] as? Bool ?? false)
        case "startNewSession": return try tracker.startNewSession()
        case "pause": return try tracker.pause()
        case "resume": return try tracker.resume()
        case "setAnonymous": return try tracker.setAnonymous(step["value"] as? Bool ?? false)
        case "setAppUserId": return try tracker.setAppUserId(step["value"] as? String)
        case "startManualSession": return try tracker.startManualSession(customId: (step["customId"] as? NSNumber)?.int64Value, at: at) as Any
        case "endSession": return try tracker.endSession() as Any
        case "expireIfIdle": return try tracker.expireIfIdle(at: at) as Any
        case "reset": return try tracker.reset(newUserId: step["newUserId"] as? Bool ?? false) as Any
        case "importState":
            let s = step["importedState"] as? [String: Any] ?? [:]
            let int = { (key: String) in (s[key] as? NSNumber)?.int64Value }
            return try tracker.importState(ImportedState(
                userId: s["userId"] as? String ?? "", sessionId: s["sessionId"] as? String ?? "", sessionIndex: int("sessionIndex") ?? 0,
                previousSessionId: s["previousSessionId"] as? String, eventIndex: int("eventIndex") ?? 0,
                lastActivityMs: int("lastActivityMs") ?? 0, firstEventId: s["firstEventId"] as? String, firstEventMs: int("firstEventMs")))
        case "seedIndexes":
            return try tracker.setIndexesForTesting(
                sessionIndex: (step["sessionIndex"] as? NSNumber)?.int64Value ?? 0, eventIndex: (step["eventIndex"] as? NSNumber)?.int64Value ?? 0)
        default: return ()  // open, check
        }
    }

    private func getters(_ t: SessionTracker) throws -> Any {
        ["userId": try t.userId, "sessionId": try t.sessionId as Any, "sessionIndex": try t.sessionIndex as Any,
         "isInBackground": try t.isInBackground, "backgroundIndex": try t.backgroundIndex, "foregroundIndex": try t.foregroundIndex,
         "state": try t.state] as [String: Any]
    }

    private static func config(_ json: Any?) -> TrackerConfig {
        let c = json as? [String: Any] ?? [:]
        let ms = { (key: String) in (c[key] as? NSNumber)?.int64Value }
        return TrackerConfig(foregroundTimeoutMs: ms("foregroundTimeoutMs") ?? 0, backgroundTimeoutMs: ms("backgroundTimeoutMs") ?? 0,
                             continueSessionOnRestart: c["continueSessionOnRestart"] as? Bool ?? true,
                             maxSessionDurationMs: ms("maxSessionDurationMs"), anonymous: c["anonymous"] as? Bool ?? false,
                             backgroundEventsStartSessions: c["backgroundEventsStartSessions"] as? Bool ?? true,
                             durability: (c["durability"] as? String).map { $0 == "normal" ? .normal : .full })
    }

    /// A value as the trace spells it: records by their fields, enum cases by name.
    private static func json(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        switch (value, mirror.displayStyle) {
        case (_, .optional?): return mirror.children.first.map { json($0.value) } ?? NSNull()
        case (is Void, _): return NSNull()
        case let (v as String, _): return v
        case let (v as Bool, _): return v
        case let (v as Int32, _): return NSNumber(value: v)
        case let (v as Int64, _): return NSNumber(value: v)
        case let (v as [String: Any], _): return v.mapValues(json)
        case (_, .enum?): return String(describing: value)
        default: return Dictionary(uniqueKeysWithValues: mirror.children.map { ($0.label ?? "", json($0.value)) })
        }
    }

    /// Resolve, drive, check: nil when the trace meets the scenario, else the checker's verdict.
    static func replay(_ file: URL, fastPath: Bool = true, resultsKey: String? = nil) throws -> String? {
        let (resolved, text) = try checker("resolve", file.path)
        guard resolved else { return text }
        let results = ProcessInfo.processInfo.environment["SESSIONCORE_RESULTS_DIR"].flatMap { $0.isEmpty || resultsKey == nil ? nil : $0 }
        let dir = results.map { "\($0)/traces/\(resultsKey!)" } ?? "\(FileManager.default.temporaryDirectory.path)/sessioncore-trace-\(UUID())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if results == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let trace = "\(dir)/\(file.deletingPathExtension().lastPathComponent).jsonl"
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        try ScenarioDriver(resolved: object, fastPath: fastPath).trace().write(toFile: trace, atomically: true, encoding: .utf8)
        let (passed, verdict) = try checker("check", file.path, trace)
        return passed ? nil : verdict
    }

    /// Runs the `conformance` binary: (succeeded, its output or why not).
    static func checker(_ args: String...) throws -> (Bool, String) {
        let process = Process(), out = Pipe(), err = Pipe()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SESSIONCORE_CHECKER"] ?? "SESSIONCORE_CHECKER-is-not-set")
        process.arguments = args
        (process.standardOutput, process.standardError) = (out, err)
        try process.run()
        let (stdout, stderr) = (out.fileHandleForReading.readDataToEndOfFile(), err.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        let ok = process.terminationStatus == 0
        return (ok, String(decoding: ok ? stdout : stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
