import Foundation
#if canImport(UIKit)
import UIKit
#endif

/// Forwards the app's foreground/background notifications to a tracker:
/// `let observer = SessionLifecycleObserver(tracker: tracker)` at launch (keep
/// it alive), and nothing else. The logic only needs a `NotificationCenter`
/// and two notification names, so it runs (and is tested) without UIKit.
public final class SessionLifecycleObserver: @unchecked Sendable {
    private let center: NotificationCenter
    private let lock = NSLock()
    private var tokens: [NSObjectProtocol] = []

    /// Observes `background` and `foreground` on `center`. Errors from the
    /// tracker go to `onError` instead of the app's notification handlers.
    public init(
        tracker: SessionTracker,
        center: NotificationCenter = .default,
        background: Notification.Name,
        foreground: Notification.Name,
        onError: @escaping @Sendable (SessionCoreError) -> Void = { print("sessioncore: transition not recorded: \($0)") }
    ) {
        self.center = center
        let forward: @Sendable (@escaping () throws -> Void) -> Void = { call in
            do { try call() } catch let error as SessionCoreError { onError(error) } catch {}
        }
        tokens = [
            center.addObserver(forName: background, object: nil, queue: nil) { _ in forward { try tracker.background() } },
            center.addObserver(forName: foreground, object: nil, queue: nil) { _ in forward { try tracker.foreground() } },
        ]
    }

    #if canImport(UIKit)
    /// Observes UIKit's `didEnterBackground` and `willEnterForeground`.
    public convenience init(tracker: SessionTracker, center: NotificationCenter = .default) {
        self.init(
            tracker: tracker,
            center: center,
            background: UIApplication.didEnterBackgroundNotification,
            foreground: UIApplication.willEnterForegroundNotification
        )
    }
    #endif

    /// Stops observing; also done when the observer is released.
    public func stop() {
        let removed = lock.withLock { () -> [NSObjectProtocol] in
            defer { tokens = [] }
            return tokens
        }
        removed.forEach(center.removeObserver)
    }

    deinit { stop() }
}
