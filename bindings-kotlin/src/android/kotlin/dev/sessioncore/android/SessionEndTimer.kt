package dev.sessioncore.android

import dev.sessioncore.EndedSession
import java.util.concurrent.Future
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.TimeUnit

/** Receives each session the expiry timer ends, once: emit the app's `session_end` with it. */
fun interface SessionEndListener {
    fun onSessionEnd(ended: EndedSession)
}

/**
 * The lifecycle glue's expiry timer (rule 19), for
 * `SessionLifecycleObserver.install(tracker, SessionEndTimer { ended -> ... })`:
 * while the app is in the foreground the glue calls `expireIfIdle()` every
 * [intervalMs] (a minute by default), and once more when a move to the
 * background has been recorded, so that a session whose user does not come
 * back still gets its `session_end`. The calls run on the glue's own thread,
 * in order with the transitions; [listener] gets each session they end, once,
 * on that thread. The timer does not run in the background or after
 * `SessionLifecycleObserver.stop()`.
 *
 * Sessions that end otherwise are reported elsewhere, each once too: on the
 * event that starts the next session (`SessionEvent.endedSession`, which the
 * tracker's `onSessionUpdate` sees, the glue's own foreground and background
 * events included), or by the call that ended them (`endSession`, `reset`,
 * `startManualSession`).
 */
class SessionEndTimer internal constructor(
    val intervalMs: Long,
    val listener: SessionEndListener,
    internal val repeater: Repeater,
) {
    /** Throws IllegalArgumentException unless [intervalMs] is positive. */
    @JvmOverloads
    constructor(intervalMs: Long = DEFAULT_INTERVAL_MS, listener: SessionEndListener) :
        this(intervalMs, listener, Repeater.EVERY_INTERVAL)

    init {
        require(intervalMs > 0) { "SessionEndTimer intervalMs must be positive, got $intervalMs" }
    }

    /** When the timer's calls run: on a schedule in apps, when a test says so in tests. */
    internal fun interface Repeater {
        /** Runs [call] on [thread] every [intervalMs] from now, until the returned Future is cancelled. */
        fun repeat(thread: ScheduledExecutorService, intervalMs: Long, call: Runnable): Future<*>

        companion object {
            val EVERY_INTERVAL = Repeater { thread, intervalMs, call ->
                thread.scheduleWithFixedDelay(call, intervalMs, intervalMs, TimeUnit.MILLISECONDS)
            }
        }
    }

    companion object {
        const val DEFAULT_INTERVAL_MS = 60_000L
    }
}
