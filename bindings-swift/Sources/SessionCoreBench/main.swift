// Per-call cost of the Swift binding: `track` and a trivial getter, on a
// tmpfs database so that no fsync hides the binding's own cost. Prints the
// median per call over repeated rounds with the median absolute deviation,
// as JSON. Run: swift run -c release SessionCoreBench [ROUNDS] [CALLS]
import Foundation
import SessionCore

func perCallNs(rounds: Int, calls: Int, _ body: () throws -> Void) rethrows -> (median: Double, mad: Double) {
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<calls { try body() }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(calls))
    }
    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
    let m = median(samples)
    return (m, median(samples.map { abs($0 - m) }))
}

let arguments = CommandLine.arguments
let rounds = arguments.count > 1 ? Int(arguments[1]) ?? 30 : 30
let calls = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000
let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
let directory = "\(base)/sessioncore-swiftbench-\(ProcessInfo.processInfo.processIdentifier)"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

let tracker = try SessionTracker(path: "\(directory)/sessions.db")
try tracker.track()
let track = try perCallNs(rounds: rounds, calls: calls) { _ = try tracker.track() }
let getter = try perCallNs(rounds: rounds, calls: calls) { _ = try tracker.sessionIndex }
try tracker.close()
print("{\"track\": {\"median_ns\": \(track.median), \"mad_ns\": \(track.mad)}, "
    + "\"getter_session_index\": {\"median_ns\": \(getter.median), \"mad_ns\": \(getter.mad)}}")
