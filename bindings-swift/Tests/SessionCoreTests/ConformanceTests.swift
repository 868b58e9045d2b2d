import Foundation
import XCTest

/// Every conformance scenario through `ScenarioDriver` and the one checker,
/// on the wrapper's fast path (results `swift`) and on the generated code
/// alone (`swift-generated`); verdicts go to the results table that
/// scripts/parity.sh reads.
final class ConformanceTests: XCTestCase {
    private let env = ProcessInfo.processInfo.environment

    func testEveryScenario() throws {
        let dirs = [env["SESSIONCORE_SCENARIO_DIR"], env["SESSIONCORE_SCENARIOS"]].compactMap { $0 }.filter { !$0.isEmpty }
        let files = dirs.flatMap { dir in
            ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.map { URL(fileURLWithPath: "\(dir)/\($0)") }
        }.sorted { $0.path < $1.path }
        XCTAssertGreaterThanOrEqual(files.count, 40, "set SESSIONCORE_SCENARIO_DIR to tests/scenarios")
        for (key, fastPath) in [("swift", true), ("swift-generated", false)] {
            var lines: [String] = []
            for file in files {
                let name = file.deletingPathExtension().lastPathComponent
                let failure = try ScenarioDriver.replay(file, fastPath: fastPath, resultsKey: key)
                lines.append("\(name)\t\(failure == nil ? "pass" : "fail")\t\(failure ?? "")")
                if let failure { XCTFail("\(key): \(failure)") }
            }
            if let dir = env["SESSIONCORE_RESULTS_DIR"], !dir.isEmpty {
                try lines.map { "\($0)\n" }.joined().write(toFile: "\(dir)/\(key).tsv", atomically: true, encoding: .utf8)
            }
        }
    }

    func testNegativeControls() throws {
        let negative = URL(fileURLWithPath: "\(env["SESSIONCORE_SCENARIO_DIR"] ?? "")/../conformance/negative")
        XCTAssertEqual(try ScenarioDriver.replay(negative.appendingPathComponent("wrong-expectation.json")),
                       "wrong-expectation step 2 `track`: eventIndex: expected 3, got 2")
        let unknownOp = try ScenarioDriver.replay(negative.appendingPathComponent("unknown-op.json")) ?? ""
        XCTAssertTrue(unknownOp.contains("unknown variant `trak`"), unknownOp)
    }
}
