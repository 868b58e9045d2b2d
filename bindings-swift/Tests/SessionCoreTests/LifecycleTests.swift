import Foundation
import SessionCore
import XCTest

/// The lifecycle glue, driven by posting notifications (no UIKit needed).
final class LifecycleTests: XCTestCase {
    private let background = Notification.Name("test.didEnterBackground")
    private let foreground = Notification.Name("test.willEnterForeground")

    func testNotificationsBecomeTransitions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sessioncore-lifecycle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tracker = try SessionTracker(path: directory.appendingPathComponent("s.db").path)
        let center = NotificationCenter()
        let observer = SessionLifecycleObserver(tracker: tracker, center: center, background: background, foreground: foreground)
        try tracker.track()

        center.post(name: background, object: nil)
        XCTAssertTrue(try tracker.isInBackground)
        XCTAssertEqual(try tracker.backgroundIndex, 1)

        center.post(name: foreground, object: nil)
        XCTAssertFalse(try tracker.isInBackground)
        XCTAssertEqual(try tracker.foregroundIndex, 1)

        observer.stop()
        center.post(name: background, object: nil)
        XCTAssertFalse(try tracker.isInBackground, "a stopped observer forwards nothing")
    }
}
