package dev.sessioncore.android

import android.app.Activity
import android.app.ActivityManager
import android.app.ActivityManager.RunningAppProcessInfo
import android.app.Application
import android.content.Context
import android.os.Looper
import android.os.Process
import androidx.lifecycle.ProcessLifecycleOwner
import dev.sessioncore.ClockReading
import dev.sessioncore.EndedSession
import dev.sessioncore.ImportedState
import dev.sessioncore.NewSessionReason
import dev.sessioncore.SessionTracker
import dev.sessioncore.SessionUpdateListener
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertThrows
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.android.controller.ActivityController
import org.robolectric.annotation.Config
import org.robolectric.shadow.api.Shadow
import org.robolectric.shadows.ShadowActivityManager
import org.robolectric.shadows.ShadowLooper
import java.io.File
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.Future
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread

/**
 * The Android glue on the real ProcessLifecycleOwner and Robolectric's main
 * looper (API 34), driving real activities, against real trackers on temp
 * files. Each test records every tracker call the glue makes, with the
 * event index it returned (for `expireIfIdle`, the ended session's index;
 * `-` for none) and the thread it ran on. The expiry timer ticks when a test
 * says so ([ManualTicks]).
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], manifest = Config.NONE)
class SessionLifecycleObserverTest {
    @get:Rule
    val folder = TemporaryFolder()

    private lateinit var app: Application
    private lateinit var tracker: SessionTracker
    private lateinit var recorded: RecordingCalls
    private val activities = mutableListOf<ActivityController<Activity>>()
    private var observer: SessionLifecycleObserver? = null
    private lateinit var sessions: Future<SessionTracker>
    private val ticks = ManualTicks()
    private val sessionEnds = SessionEndTimer(SessionEndTimer.DEFAULT_INTERVAL_MS, ::emitSessionEnd, ticks)
    private val ended = CopyOnWriteArrayList<EndedSession>()

    @Volatile
    private var migration: ImportResult? = null
    private val filesDir: File get() = app.filesDir
    private val applicationContext: Context get() = app

    private val db get() = folder.root.resolve("sessions.db").path

    @Before
    fun attachTheProcessLifecycle() {
        app = RuntimeEnvironment.getApplication()
        // What androidx.startup's InitializationProvider does in an app before
        // Application.onCreate. Robolectric keeps one sandbox, and so one
        // ProcessLifecycleOwner, across tests: attach it to this test's app.
        ProcessLifecycleOwner.Companion::class.java
            .getMethod("init\$lifecycle_process_release", Context::class.java)
            .invoke(ProcessLifecycleOwner.Companion, app)
    }

    @After
    fun leaveTheProcessStopped() {
        activities.forEach { it.pause().stop().destroy() }
        ShadowLooper.idleMainLooper(STOP_DELAY_MS, TimeUnit.MILLISECONDS)
        observer?.stop()
        if (::tracker.isInitialized) tracker.close()
    }

    @Test
    fun aProcessWithoutVisibleUiReportsBackgroundAtInstall() {
        openTracker()
        setImportance(RunningAppProcessInfo.IMPORTANCE_SERVICE) // a push receiver or a job
        install()
        assertEquals(listOf("launch(true)"), recorded.calls)
        assertEquals(true, tracker.isInBackground)
        assertEquals(null, tracker.sessionIndex)

        startActivity() // the user opens the app later: a real transition
        drain()
        assertEquals(listOf("launch(true)", "foreground 1"), recorded.calls)
        assertEquals(1, tracker.foregroundIndex)
        assertOffTheMainThread()
    }

    @Test
    fun aLateInstallCatchesUpAndRecordsTheFirstTripToTheBackground() {
        openTracker { killedInTheBackground() }
        startActivity()
        install() // after consent, say, while the activity shows
        assertEquals(listOf("launch(false)"), recorded.calls)
        assertEquals(false, tracker.isInBackground)
        assertEquals(listOf(2, 1, 0), indexes())

        stopActivities()
        assertEquals(listOf("launch(false)", "background 3"), recorded.calls)
        assertEquals(true, tracker.isInBackground)
        assertEquals(listOf(3, 2, 0), indexes())
        assertOffTheMainThread()
    }

    @Test
    fun aRoundTripIsOneBackgroundThenOneForeground() {
        openTracker()
        install()
        startActivity()
        drain()
        tracker.track()
        stopActivities()
        startActivity()
        drain()
        // The first foreground finds a fresh store already in the foreground: no event.
        assertEquals(listOf("foreground -", "background 2", "foreground 3"), recorded.calls)
        assertEquals(false, tracker.isInBackground)
        assertEquals(listOf(3, 1, 1), indexes())
        assertOffTheMainThread()
    }

    @Test
    fun aColdStartOfAnAppKilledInTheBackgroundIsARealForeground() {
        openTracker { killedInTheBackground() }
        install() // Application.onCreate of a launch from the launcher: the UI is about to show
        drain()
        assertEquals(emptyList<String>(), recorded.calls)

        startActivity()
        drain()
        assertEquals(listOf("foreground 3"), recorded.calls)
        assertEquals(listOf(3, 1, 1), indexes())
        assertOffTheMainThread()
    }

    @Test
    fun theQuickstartOpensOffTheMainThreadAndSeesTheColdStart() {
        SessionTracker.open(File(filesDir, "sessions.db").path).use { it.killedInTheBackground() }
        // README example: android
        sessions = SessionTracker.openAsync(File(filesDir, "sessions.db").path) // a Future: opens off the main thread
        observer = SessionLifecycleObserver.install(sessions) // on the main thread: observes at once
        // end README example
        startActivity()
        drain()
        tracker = sessions.get()
        assertEquals(false, tracker.isInBackground)
        assertEquals(listOf(3, 1, 1), indexes())
    }

    @Test
    fun theSessionEndAndMigrationExampleImportsAndEmitsEverySessionEndOnce() {
        // Ten minutes ago, and the next event 21 minutes ahead: whenever the
        // real timer ticks (every minute) during the test, it finds nothing to end.
        val firstEventMs = System.currentTimeMillis() - 600_000
        SnowplowStorage.storeInstallationUserId(app, SNOWPLOW_USER)
        SnowplowStorage.storeSessionState(
            app,
            "snowplow_session_vars_appTracker",
            SnowplowStorage.sessionState(SnowplowStorage.sessionValues(SNOWPLOW_SESSION, 7, null, SNOWPLOW_USER, SNOWPLOW_FIRST_EVENT, firstEventMs)),
        )
        // README example: android_session_end
        sessions = SessionTracker.openAsync(File(filesDir, "sessions.db").path) { tracker ->
            tracker.onSessionUpdate = SessionUpdateListener { event -> event.endedSession?.let(::emitSessionEnd) }
            migration = SnowplowImport.run(applicationContext, tracker, snowplowNamespace = "appTracker") // before any event
        }
        observer = SessionLifecycleObserver.install(sessions, SessionEndTimer { ended -> emitSessionEnd(ended) })
        // end README example
        startActivity()
        drain()
        tracker = sessions.get()
        val imported = ImportedState(SNOWPLOW_USER, SNOWPLOW_SESSION, 7, null, 1, firstEventMs, SNOWPLOW_FIRST_EVENT, firstEventMs)
        assertEquals(ImportResult.Imported("snowplow_session_vars_appTracker", imported), migration)
        assertEquals(listOf(SNOWPLOW_SESSION, 1, false), listOf(tracker.sessionId, tracker.state.eventIndex, tracker.isInBackground))

        val nextMs = firstEventMs + TIMEOUT_MS + 1
        val next = tracker.track(at = ClockReading(nextMs))!!
        assertEquals(listOf(8, SNOWPLOW_SESSION), listOf(next.sessionIndex, next.previousSessionId))
        assertEquals(listOf(EndedSession(SNOWPLOW_SESSION, 7, 1, firstEventMs, firstEventMs)), ended)

        // README example: android_logout
        sessions.get().reset(newUserId = true)?.let(::emitSessionEnd) // at logout, off the main thread
        // end README example
        assertEquals(EndedSession(next.sessionId, 8, 1, nextMs, nextMs), ended.last())
        assertEquals(listOf(2, null), listOf(ended.size, tracker.sessionId))
        assertNotEquals(SNOWPLOW_USER, tracker.userId)
    }

    @Test
    fun aRotationIsNotATripToTheBackground() {
        openTracker()
        startActivity()
        install()
        activities.single().recreate()
        ShadowLooper.idleMainLooper(STOP_DELAY_MS, TimeUnit.MILLISECONDS)
        drain()
        assertEquals(listOf("launch(false)"), recorded.calls)
        assertOffTheMainThread()
    }

    @Test
    fun anInstallOffTheMainThreadIsRefused() {
        openTracker()
        var refused: Throwable? = null
        thread { refused = runCatching { SessionLifecycleObserver.install(recorded) }.exceptionOrNull() }.join()
        assertEquals("install SessionLifecycleObserver on the main thread", refused?.message)
    }

    @Test
    fun theExpiryTimerCallsInTheForegroundAndOnceAtTheBackgroundOffTheMainThread() {
        openTracker()
        install(sessionEnds)
        assertEquals(emptyList<Long>(), ticks.intervals) // a cold start: not yet in the foreground

        startActivity()
        drain()
        ticks.tick()
        ticks.tick()
        drain()
        assertEquals(listOf(SessionEndTimer.DEFAULT_INTERVAL_MS), ticks.intervals)

        stopActivities()
        ticks.tick() // in the background: the timer is cancelled
        drain()
        assertEquals(false, ticks.running)
        assertEquals(listOf("foreground -", "expireIfIdle -", "expireIfIdle -", "background 1", "expireIfIdle -"), recorded.calls)

        startActivity() // back in the foreground: the timer runs again
        drain()
        assertEquals(listOf(SessionEndTimer.DEFAULT_INTERVAL_MS, SessionEndTimer.DEFAULT_INTERVAL_MS), ticks.intervals)
        assertEquals(true, ticks.running)
        assertEquals(emptyList<EndedSession>(), ended)
        assertOffTheMainThread()
    }

    @Test
    fun aSessionTheTimerEndsIsReportedOnce() {
        openTracker()
        install(sessionEnds)
        recorded.at = ClockReading(T0)
        startActivity()
        drain()
        val first = tracker.track(at = ClockReading(T0))!!

        recorded.at = ClockReading(T0 + TIMEOUT_MS) // a gap equal to the timeout keeps the session
        ticks.tick()
        drain()
        recorded.at = ClockReading(T0 + TIMEOUT_MS + 1)
        ticks.tick()
        ticks.tick()
        drain()
        assertEquals(listOf("foreground -", "expireIfIdle -", "expireIfIdle 1", "expireIfIdle -"), recorded.calls)
        assertEquals(listOf(EndedSession(first.sessionId, 1, 1, T0, T0)), ended)

        val next = tracker.track(at = ClockReading(T0 + TIMEOUT_MS + 2))!!
        assertEquals(NewSessionReason.FOREGROUND_TIMEOUT, next.newSessionReason)
        assertEquals(first.sessionId, next.previousSessionId)
        assertEquals(null, next.endedSession) // reported by the timer: not again
        assertOffTheMainThread()
    }

    @Test
    fun aLateInstallStartsTheExpiryTimerAndStopEndsIt() {
        openTracker()
        startActivity()
        install(sessionEnds) // already in the foreground: the timer starts at once
        assertEquals(listOf(SessionEndTimer.DEFAULT_INTERVAL_MS), ticks.intervals)
        ticks.tick()
        drain()

        observer!!.stop()
        ticks.tick()
        assertEquals(false, ticks.running)
        assertEquals(listOf("launch(false)", "expireIfIdle -"), recorded.calls)
        assertOffTheMainThread()
    }

    @Test
    fun theExpiryIntervalMustBePositive() {
        for (intervalMs in listOf(0L, -1L)) {
            val refused = assertThrows(IllegalArgumentException::class.java) { SessionEndTimer(intervalMs) {} }
            assertEquals("SessionEndTimer intervalMs must be positive, got $intervalMs", refused.message)
        }
        assertEquals(1L, SessionEndTimer(1) {}.intervalMs)
    }

    /** The app's `session_end`, here recorded. */
    private fun emitSessionEnd(ended: EndedSession) {
        this.ended += ended
    }

    private fun openTracker(before: SessionTracker.() -> Unit = {}) {
        SessionTracker.open(db).use(before)
        tracker = SessionTracker.open(db)
        recorded = RecordingCalls(tracker)
    }

    /** A store whose app went to the background after one event and was killed there. */
    private fun SessionTracker.killedInTheBackground() {
        track()
        background()
    }

    private fun install(sessionEnds: SessionEndTimer? = null) {
        observer = SessionLifecycleObserver.install(recorded, sessionEnds)
        drain()
    }

    private fun drain() = observer!!.awaitIdle()

    private fun startActivity() {
        activities += Robolectric.buildActivity(Activity::class.java).setup()
    }

    /** Every activity stops, and ProcessLifecycleOwner's delay passes on the main looper. */
    private fun stopActivities() {
        activities.forEach { it.pause().stop().destroy() }
        activities.clear()
        ShadowLooper.idleMainLooper(STOP_DELAY_MS, TimeUnit.MILLISECONDS)
        drain()
    }

    private fun setImportance(importance: Int) {
        val manager = app.getSystemService(Context.ACTIVITY_SERVICE) as ActivityManager
        val process = RunningAppProcessInfo().also {
            it.pid = Process.myPid()
            it.importance = importance
        }
        Shadow.extract<ShadowActivityManager>(manager).setProcesses(listOf(process))
    }

    /** The current session's event index, background index and foreground index. */
    private fun indexes() = tracker.state.let { listOf(it.eventIndex, it.backgroundIndex, it.foregroundIndex) }

    private fun assertOffTheMainThread() {
        assertEquals(emptyList<String>(), recorded.onTheMainThread)
        assertEquals(setOf("sessioncore-lifecycle"), recorded.threads.toSet())
    }

    private class RecordingCalls(private val tracker: SessionTracker) : SessionLifecycleObserver.Calls {
        val calls = CopyOnWriteArrayList<String>()
        val threads = CopyOnWriteArrayList<String>()
        val onTheMainThread = CopyOnWriteArrayList<String>()

        /** The time the calls pass to the tracker; null: the core reads the clock. */
        @Volatile
        var at: ClockReading? = null

        override fun launch(inBackground: Boolean) = record("launch($inBackground)") { tracker.launch(inBackground) }

        override fun foreground() = record("foreground") { tracker.foreground(at = at)?.eventIndex }

        override fun background() = record("background") { tracker.background(at = at)?.eventIndex }

        override fun expireIfIdle(): EndedSession? {
            var ended: EndedSession? = null
            record("expireIfIdle") { tracker.expireIfIdle(at).also { ended = it }?.sessionIndex }
            return ended
        }

        private fun record(name: String, call: () -> Any?) {
            threads += Thread.currentThread().name
            if (Looper.myLooper() == Looper.getMainLooper()) onTheMainThread += name
            calls += when (val index = call()) {
                is Int -> "$name $index"
                is Unit -> name
                else -> "$name -"
            }
        }
    }

    /** The expiry timer's schedule, ticking when a test says so, on the glue's thread as the real one does. */
    private class ManualTicks : SessionEndTimer.Repeater {
        val intervals = CopyOnWriteArrayList<Long>()
        private var thread: ScheduledExecutorService? = null
        private var call: Runnable? = null
        private var schedule: CompletableFuture<Unit>? = null

        val running: Boolean get() = schedule?.isCancelled == false

        override fun repeat(thread: ScheduledExecutorService, intervalMs: Long, call: Runnable): Future<*> {
            intervals += intervalMs
            this.thread = thread
            this.call = call
            return CompletableFuture<Unit>().also { schedule = it }
        }

        /** One tick, if the schedule runs: a cancelled one never calls again, as a ScheduledFuture. */
        fun tick() {
            val current = schedule?.takeIf { running } ?: return
            val call = call!!
            thread!!.execute { if (!current.isCancelled) call.run() }
        }
    }

    private companion object {
        /** ProcessLifecycleOwner dispatches ON_STOP this long after the last activity stops. */
        const val STOP_DELAY_MS = 700L

        /** The default foreground timeout, and a time to start from for the tests that pass their own. */
        const val TIMEOUT_MS = 1_800_000L
        const val T0 = 1_764_000_000_000L

        const val SNOWPLOW_USER = "8a3c2f0e-9b1d-4e6a-8c7f-1d2e3f4a5b6c"
        const val SNOWPLOW_SESSION = "b7e4c1d2-3a5f-4e6b-9c8d-7f6e5d4c3b2a"
        const val SNOWPLOW_FIRST_EVENT = "f3a4b5c6-d7e8-4f9a-8b0c-2d3e4f5a6b7c"
    }
}
