package dev.sessioncore.android

import android.app.ActivityManager
import android.app.ActivityManager.RunningAppProcessInfo
import android.os.Looper
import android.util.Log
import androidx.annotation.MainThread
import androidx.lifecycle.DefaultLifecycleObserver
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.LifecycleOwner
import androidx.lifecycle.ProcessLifecycleOwner
import dev.sessioncore.EndedSession
import dev.sessioncore.SessionTracker
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.Future
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.TimeUnit

/**
 * Wires the process's foreground/background transitions into a [SessionTracker]
 * through AndroidX's [ProcessLifecycleOwner]: ON_START is `foreground()`,
 * ON_STOP is `background()` (ProcessLifecycleOwner already ignores the stop
 * and start of a configuration change, such as a rotation).
 *
 * `SessionLifecycleObserver.install(SessionTracker.openAsync(path))` in
 * `Application.onCreate`, on the main thread, once per tracker, and nothing
 * else. Every tracker call (each a SQLite commit, which may wait for another
 * process's write lock) runs on this observer's own background thread, in
 * order, never on the main thread; the core reads the time when the call
 * runs. Failures are logged to Logcat, never thrown into the lifecycle.
 * With a [SessionEndTimer], the glue also ends idle sessions on that thread.
 */
class SessionLifecycleObserver private constructor(
    private val calls: Calls,
    private val sessionEnds: SessionEndTimer?,
) : DefaultLifecycleObserver {
    /** The tracker calls the glue makes: a [SessionTracker]'s in apps, a recording of them in tests. */
    internal interface Calls {
        fun launch(inBackground: Boolean)

        fun foreground()

        fun background()

        fun expireIfIdle(): EndedSession?
    }

    private val executor: ScheduledExecutorService =
        Executors.newSingleThreadScheduledExecutor { task -> Thread(task, THREAD_NAME).apply { isDaemon = true } }
    private val lifecycle: Lifecycle = ProcessLifecycleOwner.get().lifecycle

    /** True while addObserver replays the lifecycle's past events (main thread only). */
    private var catchingUp = false

    /** The expiry timer's schedule while the app is in the foreground (main thread only). */
    private var expiryTicks: Future<*>? = null

    override fun onStart(owner: LifecycleOwner) {
        if (catchingUp) return
        submit("foreground", calls::foreground)
        startExpiryTimer()
    }

    override fun onStop(owner: LifecycleOwner) {
        if (catchingUp) return
        // Cancelled before the background is handed over: no tick runs after it.
        stopExpiryTimer()
        submit("background", calls::background)
        sessionEnds?.let { timer -> submit("expireIfIdle") { expire(timer) } }
    }

    /** Stops observing and the expiry timer (main thread); transitions already handed over are still recorded. */
    @MainThread
    fun stop() {
        lifecycle.removeObserver(this)
        stopExpiryTimer()
        executor.shutdown()
    }

    /** Waits until every transition handed over so far is recorded (tests). */
    internal fun awaitIdle() {
        executor.submit {}.get(IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
    }

    /**
     * Reports the state the process is really in, without a transition:
     * already started (a late install, after consent, say) is the foreground;
     * not started and without visible UI (a push, a job, a background fetch)
     * is the background; not started with UI about to show (a cold start from
     * the launcher) says nothing, so that the coming ON_START is the real
     * transition it is for an app killed in the background.
     */
    private fun catchUp() {
        check(Looper.myLooper() == Looper.getMainLooper()) { "install SessionLifecycleObserver on the main thread" }
        if (lifecycle.currentState == Lifecycle.State.INITIALIZED) {
            Log.w(TAG, "ProcessLifecycleOwner is not initialized (is androidx.startup's InitializationProvider removed?): no transitions will be seen")
        }
        when {
            lifecycle.currentState.isAtLeast(Lifecycle.State.STARTED) -> {
                submit("launch") { calls.launch(inBackground = false) }
                startExpiryTimer()
            }
            !processHasVisibleUi() -> submit("launch") { calls.launch(inBackground = true) }
        }
        // addObserver replays ON_CREATE (and ON_START when started) at once: the state is reported above.
        catchingUp = true
        try {
            lifecycle.addObserver(this)
        } finally {
            catchingUp = false
        }
    }

    private fun submit(what: String, call: () -> Unit) = executor.execute(logged(what, call))

    /** [call] with its failure logged: never thrown into the lifecycle, nor out of a repeating task (which would stop it). */
    private fun logged(what: String, call: () -> Unit) = Runnable {
        try {
            call()
        } catch (e: Exception) {
            val failure = (e as? ExecutionException)?.cause ?: e // the tracker did not open
            Log.w(TAG, "$what not recorded: ${failure.message}", failure)
        }
    }

    private fun startExpiryTimer() {
        val timer = sessionEnds ?: return
        if (expiryTicks == null) expiryTicks = timer.repeater.repeat(executor, timer.intervalMs, logged("expireIfIdle") { expire(timer) })
    }

    private fun stopExpiryTimer() {
        expiryTicks?.cancel(false)
        expiryTicks = null
    }

    /** On the glue's thread: ends the session if it is idle, and hands its end to the app. */
    private fun expire(timer: SessionEndTimer) {
        val ended = calls.expireIfIdle() ?: return
        try {
            timer.listener.onSessionEnd(ended)
        } catch (e: Exception) {
            // The core has recorded the end as reported: it does not come again.
            Log.w(TAG, "the SessionEndListener failed; that session's end is not reported again", e)
        }
    }

    /** [tracker] gives the tracker, once it is open. */
    private class TrackerCalls(private val tracker: () -> SessionTracker) : Calls {
        override fun launch(inBackground: Boolean) = tracker().launch(inBackground)

        override fun foreground() {
            tracker().foreground()
        }

        override fun background() {
            tracker().background()
        }

        override fun expireIfIdle() = tracker().expireIfIdle()
    }

    companion object {
        private const val TAG = "sessioncore"
        private const val THREAD_NAME = "sessioncore-lifecycle"
        private const val IDLE_TIMEOUT_SECONDS = 30L

        /**
         * Starts forwarding the process's transitions to [tracker], which may
         * still be opening ([SessionTracker.openAsync]): the state is read at
         * once, the calls wait for the open on the observer's thread. In
         * `Application.onCreate`, so that a cold start's first ON_START is
         * seen as the transition it is; or later (after consent, say), which
         * reports the foreground at once. Main thread: AndroidX lifecycles
         * are observed there. Keep the returned observer to [stop] it.
         * [sessionEnds] opts into the expiry timer.
         */
        @JvmStatic
        @JvmOverloads
        @MainThread
        fun install(tracker: Future<SessionTracker>, sessionEnds: SessionEndTimer? = null): SessionLifecycleObserver =
            install(TrackerCalls(tracker::get), sessionEnds)

        /** [install] with a tracker that is already open. */
        @JvmStatic
        @JvmOverloads
        @MainThread
        fun install(tracker: SessionTracker, sessionEnds: SessionEndTimer? = null): SessionLifecycleObserver =
            install(TrackerCalls { tracker }, sessionEnds)

        @MainThread
        internal fun install(calls: Calls, sessionEnds: SessionEndTimer? = null): SessionLifecycleObserver =
            SessionLifecycleObserver(calls, sessionEnds).also { it.catchUp() }

        /** Foreground and visible are the importances of a process whose UI shows or is about to. */
        private fun processHasVisibleUi(): Boolean {
            val info = RunningAppProcessInfo()
            ActivityManager.getMyMemoryState(info)
            return info.importance == RunningAppProcessInfo.IMPORTANCE_FOREGROUND ||
                info.importance == RunningAppProcessInfo.IMPORTANCE_VISIBLE
        }
    }
}
