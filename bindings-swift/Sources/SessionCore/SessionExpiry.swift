import Foundation

/// The lifecycle observer's opt-in expiry timer (rule 19): while the app is in
/// the foreground it calls `expireIfIdle()` every `interval` seconds, and once
/// more when the app goes to the background (after that move is committed,
/// within its background task), so that a session whose user never comes back
/// still ends and the app can emit its `session_end`.
///
/// `onSessionEnd` receives each session those `expireIfIdle()` calls end,
/// once, on the observer's queue (never on the main thread). Sessions that end
/// otherwise are reported elsewhere, each once too: in the event that starts
/// the next session (its `endedSession`, which the tracker's `onSessionUpdate`
/// sees, the observer's own Background and Foreground events included), or by
/// the call that ended them (`endSession()`, `reset()`, `startManualSession()`).
public struct SessionExpiry: Sendable {
    /// Seconds between two calls in the foreground.
    public let interval: TimeInterval
    /// How late the system may fire the timer, in seconds, to save power.
    public let leeway: TimeInterval
    public let onSessionEnd: @Sendable (EndedSession) -> Void

    /// `interval` is any positive (finite) number of seconds, as on Android
    /// and Flutter; `leeway` lies in 0 ... `interval`, a tenth of it unless given.
    public init(
        every interval: TimeInterval = 60,
        leeway: TimeInterval? = nil,
        onSessionEnd: @escaping @Sendable (EndedSession) -> Void
    ) throws {
        guard interval > 0, interval.isFinite else {
            throw SessionCoreError.InvalidConfig(field: "expiry.interval", detail: "\(interval) s is not a positive number of seconds")
        }
        let leeway = leeway ?? interval / 10
        guard (0...interval).contains(leeway) else {
            throw SessionCoreError.InvalidConfig(field: "expiry.leeway", detail: "\(leeway) s is outside 0...\(interval) s")
        }
        self.interval = interval
        self.leeway = leeway
        self.onSessionEnd = onSessionEnd
    }
}

/// The timer itself: a `DispatchSourceTimer` on the observer's serial queue,
/// armed only while the app is in the foreground. Its state is read and
/// changed on that queue only.
final class ExpiryTimer: @unchecked Sendable {
    private let settings: SessionExpiry
    private let pipeline: Pipeline
    private var timer: DispatchSourceTimer?
    private var stopped = false

    init(_ settings: SessionExpiry, on pipeline: Pipeline) {
        self.settings = settings
        self.pipeline = pipeline
    }

    /// The app is in the foreground: arms the timer after the calls queued so
    /// far, unless the tracker failed to open (that was reported once already).
    func foreground() {
        pipeline.afterQueued { [self] in
            guard timer == nil, !stopped, pipeline.isOpen else { return }
            let timer = DispatchSource.makeTimerSource(queue: pipeline.queue)
            let interval = DispatchTimeInterval.nanoseconds(Self.nanoseconds(settings.interval))
            timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .nanoseconds(Self.nanoseconds(settings.leeway)))
            timer.setEventHandler { [weak self] in self?.fire() }
            timer.resume()
            self.timer = timer
        }
    }

    /// The app went to the background: disarms the timer and expires once,
    /// after the calls queued so far (the background commit).
    func background() {
        pipeline.run { [self] calls in
            disarm()
            report(try calls.expireIfIdle())
        }
    }

    /// The observer stopped: the timer never fires again.
    func stop() {
        pipeline.afterQueued { [self] in
            stopped = true
            disarm()
        }
    }

    /// A session the timer's `expireIfIdle()` ended.
    private func report(_ ended: EndedSession?) {
        if let ended { settings.onSessionEnd(ended) }
    }

    /// `seconds` (not negative) in whole nanoseconds, rounded up (a positive
    /// interval stays positive) and at most `Int.max`, about 292 years:
    /// Dispatch's own conversion of a repeating `TimeInterval` traps beyond
    /// what a `UInt64` of nanoseconds holds (about 584 years; measured with
    /// Swift 6.0.3 on Linux). A timer that far off never fires anyway.
    static func nanoseconds(_ seconds: TimeInterval) -> Int {
        let nanoseconds = (seconds * 1e9).rounded(.up)
        return nanoseconds < Double(Int.max) ? Int(nanoseconds) : .max
    }

    /// Whether the timer is armed (tests).
    var isArmed: Bool {
        pipeline.queue.sync { timer != nil }
    }

    /// Does on the queue what the armed timer does when it fires, and waits
    /// for it (tests: no test waits for the clock).
    func fireNow() {
        pipeline.afterQueued { [self] in if timer != nil { fire() } }
        pipeline.queue.sync {}
    }

    private func fire() {
        pipeline.perform { [self] calls in report(try calls.expireIfIdle()) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
