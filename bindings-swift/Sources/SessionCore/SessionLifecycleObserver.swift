import Foundation
#if canImport(UIKit)
import UIKit
#endif

/// Forwards the app's foreground/background transitions to a tracker, off the
/// main thread. On iOS, in `application(_:didFinishLaunchingWithOptions:)`:
///
///     lifecycle = SessionLifecycleObserver { try SessionTracker(path: path) }
///
/// and keep it alive; `try await lifecycle.tracker` is the tracker, once
/// open. The observer subscribes at once, on the calling (main) thread, and
/// does everything else on its own serial queue, in order: opening the
/// tracker, then each call (a SQLite commit, which may wait for another
/// process's write lock; the core reads the time when it runs). A move to
/// the background holds a background task until its commit is done.
///
/// At install it reports the state the app is really in, without a
/// transition: `.background` (a push, a background fetch) and `.active` (a
/// late install, after consent) are reported as such; `.inactive` (a launch
/// whose UI is about to show) reports nothing, so that the activation that
/// follows is the real transition it is for an app killed in the background.
/// `didBecomeActive` is the foreground: it also fires at a cold launch, and a
/// foreground while already there is a no-op.
///
/// With a `SessionExpiry`, it also ends idle sessions while the app is in the
/// foreground and at each move to the background, and hands each session
/// those `expireIfIdle()` calls end to the app (see `SessionExpiry`). A
/// session its own Background or Foreground event ends comes, like any
/// event's, in that event's `endedSession`: set the tracker's
/// `onSessionUpdate` in the opening closure to see them all.
///
/// The logic needs only a `NotificationCenter`, two notification names, the
/// launch state and the background-task hooks, so it runs (and is tested)
/// without UIKit.
public final class SessionLifecycleObserver: @unchecked Sendable {
    /// The app's state when the observer is installed (UIKit's `applicationState`).
    public enum LaunchState: Sendable {
        case active, inactive, background
    }

    /// Keeps the app running in the background until a transition is committed.
    public struct BackgroundTask: Sendable {
        /// Begins a task and returns its identifier; the system may expire it first (the argument).
        public let begin: @Sendable (_ expired: @escaping @Sendable () -> Void) -> Int
        /// Ends the task with that identifier.
        public let end: @Sendable (Int) -> Void

        public init(begin: @escaping @Sendable (_ expired: @escaping @Sendable () -> Void) -> Int, end: @escaping @Sendable (Int) -> Void) {
            self.begin = begin
            self.end = end
        }

        /// No background task (a process that is not suspended in the background).
        public static let none = BackgroundTask(begin: { _ in 0 }, end: { _ in })
    }

    private let center: NotificationCenter
    private let pipeline: Pipeline
    let expiryTimer: ExpiryTimer?
    private let lock = NSLock()
    private var tokens: [NSObjectProtocol] = []

    /// Observes `background` and `foreground` on `center` and reports
    /// `launchState`; `open` runs first on the observer's queue. Errors go to
    /// `onError` instead of the app's notification handlers. A failed open
    /// goes there once, when it happens; the observer then makes no calls and
    /// arms no expiry timer.
    public convenience init(
        opening open: @escaping @Sendable () throws -> SessionTracker,
        launchState: LaunchState,
        center: NotificationCenter = .default,
        background: Notification.Name,
        foreground: Notification.Name,
        backgroundTask: BackgroundTask = .none,
        expiry: SessionExpiry? = nil,
        onError: @escaping @Sendable (Error) -> Void = { print("sessioncore: transition not recorded: \($0)") }
    ) {
        self.init(
            pipeline: Pipeline(opening: open, calls: { TrackerCalls(tracker: $0) }, onError: onError),
            launchState: launchState, center: center, background: background, foreground: foreground,
            backgroundTask: backgroundTask, expiry: expiry
        )
    }

    /// Tests pass a pipeline that records the calls.
    init(
        pipeline: Pipeline,
        launchState: LaunchState,
        center: NotificationCenter,
        background: Notification.Name,
        foreground: Notification.Name,
        backgroundTask: BackgroundTask,
        expiry: SessionExpiry? = nil
    ) {
        self.center = center
        self.pipeline = pipeline
        let expiryTimer = expiry.map { ExpiryTimer($0, on: pipeline) }
        self.expiryTimer = expiryTimer
        switch launchState {
        case .background: pipeline.run { try $0.launch(inBackground: true) }
        case .active:
            pipeline.run { try $0.launch(inBackground: false) }
            expiryTimer?.foreground()
        case .inactive: break
        }
        // A session a transition ends reaches the app in its event's
        // `endedSession` (the tracker's `onSessionUpdate`), not the timer's closure.
        tokens = [
            center.addObserver(forName: background, object: nil, queue: nil) { _ in
                let held = HeldTask(backgroundTask)
                pipeline.run { try $0.background() }
                expiryTimer?.background()
                pipeline.afterQueued { held.end() }
            },
            center.addObserver(forName: foreground, object: nil, queue: nil) { _ in
                pipeline.run { try $0.foreground() }
                expiryTimer?.foreground()
            },
        ]
    }

    /// The tracker, once the observer's queue has opened it (or the error that kept it from opening).
    public var tracker: SessionTracker {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                pipeline.afterQueued { continuation.resume(with: self.pipeline.opened) }
            }
        }
    }

    /// Stops observing and the expiry timer; also done when the observer is
    /// released. Calls already queued still run.
    public func stop() {
        let removed = lock.withLock { () -> [NSObjectProtocol] in
            defer { tokens = [] }
            return tokens
        }
        removed.forEach(center.removeObserver)
        expiryTimer?.stop()
    }

    /// Waits until everything queued so far has run (tests).
    func waitUntilIdle() {
        pipeline.queue.sync {}
    }

    deinit { stop() }
}

/// The observer's serial queue, which opens the tracker and then makes every
/// call in order. The notification handlers hold it, not the observer, whose
/// release stops them.
final class Pipeline: @unchecked Sendable {
    let queue = DispatchQueue(label: "dev.sessioncore.lifecycle", qos: .utility)
    private let calls: @Sendable (SessionTracker) -> any LifecycleCalls
    private let onError: @Sendable (Error) -> Void
    /// Set by the queue's first work item, read only on the queue.
    private var result: Result<SessionTracker, Error>?

    /// `calls` is how the tracker is called: directly, or through a test's
    /// recording. A failed open goes to `onError` once, when it happens.
    init(
        opening open: @escaping @Sendable () throws -> SessionTracker,
        calls: @escaping @Sendable (SessionTracker) -> any LifecycleCalls,
        onError: @escaping @Sendable (Error) -> Void
    ) {
        self.calls = calls
        self.onError = onError
        queue.async {
            let result = Result(catching: open)
            self.result = result
            if case .failure(let error) = result { onError(error) }
        }
    }

    /// The opened tracker; on the queue only.
    var opened: Result<SessionTracker, Error> {
        dispatchPrecondition(condition: .onQueue(queue))
        return result!
    }

    /// Whether the tracker is open; on the queue only.
    var isOpen: Bool {
        if case .success = opened { return true }
        return false
    }

    func run(_ call: @escaping @Sendable (any LifecycleCalls) throws -> Void) {
        queue.async { self.perform(call) }
    }

    /// Makes `call` now, if the tracker opened (its failure to open was
    /// reported already, and each call would only repeat it); on the queue only.
    func perform(_ call: (any LifecycleCalls) throws -> Void) {
        guard case .success(let tracker) = opened else { return }
        do { try call(calls(tracker)) } catch { onError(error) }
    }

    /// Runs `work` on the queue after everything queued before it.
    func afterQueued(_ work: @escaping @Sendable () -> Void) {
        queue.async(execute: work)
    }
}

#if canImport(UIKit)
extension SessionLifecycleObserver {
    /// Observes UIKit's `didEnterBackground` and `didBecomeActive`, reports
    /// `UIApplication.shared.applicationState`, and holds a UIKit background
    /// task for each move to the background. Main thread, at launch.
    @MainActor
    public convenience init(
        opening open: @escaping @Sendable () throws -> SessionTracker,
        center: NotificationCenter = .default,
        expiry: SessionExpiry? = nil
    ) {
        let launchState: LaunchState
        switch UIApplication.shared.applicationState {
        case .active: launchState = .active
        case .background: launchState = .background
        default: launchState = .inactive
        }
        self.init(
            opening: open,
            launchState: launchState,
            center: center,
            background: UIApplication.didEnterBackgroundNotification,
            foreground: UIApplication.didBecomeActiveNotification,
            backgroundTask: .uiKit,
            expiry: expiry
        )
    }

    /// The same, for a tracker that is already open.
    @MainActor
    public convenience init(tracker: SessionTracker, center: NotificationCenter = .default, expiry: SessionExpiry? = nil) {
        self.init(opening: { tracker }, center: center, expiry: expiry)
    }
}

extension SessionLifecycleObserver.BackgroundTask {
    /// UIKit's background task: begun on the main thread (where the notification
    /// arrives), ended there too.
    static let uiKit = SessionLifecycleObserver.BackgroundTask(
        begin: { expired in
            MainActor.assumeIsolated {
                UIApplication.shared.beginBackgroundTask(withName: "sessioncore.background", expirationHandler: expired).rawValue
            }
        },
        end: { identifier in
            Task { @MainActor in UIApplication.shared.endBackgroundTask(UIBackgroundTaskIdentifier(rawValue: identifier)) }
        }
    )
}
#endif

/// The tracker calls the observer makes. A session a transition ends comes
/// in its event, which the tracker hands to `onSessionUpdate`; `expireIfIdle`
/// returns the session it ends, for the expiry timer's closure.
protocol LifecycleCalls {
    func launch(inBackground: Bool) throws
    func foreground() throws
    func background() throws
    func expireIfIdle() throws -> EndedSession?
}

private struct TrackerCalls: LifecycleCalls {
    let tracker: SessionTracker

    func launch(inBackground: Bool) throws { try tracker.launch(inBackground: inBackground) }
    func foreground() throws { try tracker.foreground() }
    func background() throws { try tracker.background() }
    func expireIfIdle() throws -> EndedSession? { try tracker.expireIfIdle() }
}

/// One background task, ended exactly once: after the commit, or when the system expires it first.
private final class HeldTask: @unchecked Sendable {
    private let lock = NSLock()
    private let hooks: SessionLifecycleObserver.BackgroundTask
    private var identifier: Int?
    private var ended = false

    init(_ hooks: SessionLifecycleObserver.BackgroundTask) {
        self.hooks = hooks
        let identifier = hooks.begin { [weak self] in self?.end() }
        let endedEarly = lock.withLock { () -> Bool in
            self.identifier = identifier
            return ended
        }
        if endedEarly { hooks.end(identifier) }
    }

    func end() {
        let identifier = lock.withLock { () -> Int? in
            defer { ended = true }
            return ended ? nil : self.identifier
        }
        if let identifier { hooks.end(identifier) }
    }
}
