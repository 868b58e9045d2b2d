import Foundation
import XCTest

/// Replays every conformance scenario; each one's outcome is reported on
/// its own line and written to the results table that scripts/parity.sh reads.
final class ConformanceTests: XCTestCase {
    func testEveryScenario() throws {
        let files = ScenarioRunner.scenarioFiles()
        XCTAssertGreaterThanOrEqual(files.count, 40, "set SESSIONCORE_SCENARIO_DIR to tests/scenarios")
        var lines: [String] = []
        for file in files {
            let name = file.deletingPathExtension().lastPathComponent
            do {
                try ScenarioRunner(file: file).run()
                lines.append("\(name)\tpass\t")
                print("scenario \(name): pass")
            } catch {
                lines.append("\(name)\tfail\t\(error)")
                XCTFail("scenario \(name): \(error)")
            }
        }
        if let dir = ProcessInfo.processInfo.environment["SESSIONCORE_RESULTS_DIR"], !dir.isEmpty {
            try lines.map { "\($0)\n" }.joined().write(toFile: "\(dir)/swift.tsv", atomically: true, encoding: .utf8)
        }
    }
}
