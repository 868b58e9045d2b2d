// Per-call cost of the Swift binding: `track` and a trivial getter, on a
// tmpfs database so that no fsync hides the binding's own cost, through the
// wrapper apps use (its fast path) and through the generated code alone
// (`_generated`). The calls take turns round by round, so that whatever else
// the machine does falls on all of them alike. Prints, as JSON, the median
// per call over the rounds with the median absolute deviation.
// Run: swift run -c release SessionCoreBench [ROUNDS] [CALLS] [NAME,...]
// (NAMEs: only those benchmarks; scripts/profile-swift.sh runs one at a time).
import Foundation
import SessionCore
import SessionCoreBindings

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let arguments = CommandLine.arguments
let rounds = arguments.count > 1 ? Int(arguments[1]) ?? 30 : 30
let calls = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000
let only = arguments.count > 3 ? Set(arguments[3].split(separator: ",").map(String.init)) : nil
let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
let directory = "\(base)/sessioncore-swiftbench-\(ProcessInfo.processInfo.processIdentifier)"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

let tracker = try SessionCore.SessionTracker(path: "\(directory)/sessions.db")
let generated = try SessionCoreBindings.SessionTracker.open(
    path: "\(directory)/generated.db", namespace: "default", config: TrackerConfig())
try tracker.track()
_ = try generated.track()
let benchmarks: [(String, () throws -> Void)] = [
    ("track", { _ = try tracker.track() }),
    ("track_generated", { _ = try generated.track() }),
    ("getter_session_index", { _ = try tracker.sessionIndex }),
    ("getter_session_index_generated", { _ = try generated.sessionIndex() }),
].filter { only?.contains($0.0) ?? true }
var samples = [[Double]](repeating: [], count: benchmarks.count)
for _ in 0..<rounds {
    for (index, (_, body)) in benchmarks.enumerated() {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<calls { try body() }
        samples[index].append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(calls))
    }
}
try tracker.close()
try generated.closeStorage()
let rows = zip(benchmarks, samples).map { call, samples in
    let m = median(samples)
    return "\"\(call.0)\": {\"median_ns\": \(m), \"mad_ns\": \(median(samples.map { abs($0 - m) }))}"
}
print("{" + rows.joined(separator: ", ") + "}")
