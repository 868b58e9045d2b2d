package dev.sessioncore

import dev.sessioncore.ffi.FfiConverter
import dev.sessioncore.ffi.FfiConverterBoolean
import dev.sessioncore.ffi.FfiConverterInt
import dev.sessioncore.ffi.FfiConverterOptionalInt
import dev.sessioncore.ffi.FfiConverterOptionalString
import dev.sessioncore.ffi.FfiConverterOptionalTypeSessionEvent
import dev.sessioncore.ffi.FfiConverterString
import dev.sessioncore.ffi.FfiConverterTypeClockReading
import dev.sessioncore.ffi.FfiConverterTypeSessionState
import dev.sessioncore.ffi.SessionTracker as FfiSessionTracker
import java.nio.ByteBuffer
import java.util.concurrent.Future
import java.util.concurrent.FutureTask
import kotlin.concurrent.thread

/** Called once per new session, with the event that started it. */
fun interface SessionUpdateListener {
    fun onSessionUpdate(event: SessionEvent)
}

/** What [SessionTracker.openAsync] does with the tracker it opened before anyone else gets it: import another tracker's state, say. */
fun interface OpenStep {
    fun run(tracker: SessionTracker)
}

/**
 * A session tracker for one namespace of one SQLite file: the shared
 * sessioncore engine with the clock and the session-update listener an
 * Android app needs. Every failure is a [SessionCoreException] subtype
 * ([SessionCoreException.InvalidConfig], [SessionCoreException.InvalidArgument],
 * [SessionCoreException.Storage], [SessionCoreException.Closed],
 * [SessionCoreException.Internal]). Thread-safe; close it when done.
 *
 * Time: the calls take no time from the app. The core reads the wall clock
 * and the boot clock after it holds the database's write lock, so that call
 * order is time order across threads and processes. The `at` parameters pass
 * an explicit [ClockReading] instead, for tests and tools only: callers on
 * several threads would then order events themselves. Each call is a durable
 * SQLite commit: call it off the main thread (the lifecycle glue does).
 */
class SessionTracker private constructor(
    private val ffi: FfiSessionTracker,
    useJvmFastPath: Boolean,
) : AutoCloseable {
    private val fastPath: JvmFastPath.Adoption? = if (useJvmFastPath) JvmFastPath.adopt(this, ffi) else null

    /** Whether the per-event calls and the getters take the JNI fast path (see [JvmFastPath]). */
    val usesJvmFastPath: Boolean get() = fastPath != null

    /** Raised once per new session (from the event's `isNewSession` flag). */
    @Volatile
    var onSessionUpdate: SessionUpdateListener? = null

    /** Tracks a plain event; [eventId] is its UUID, or null to have one generated. */
    @JvmOverloads
    fun track(eventId: String? = null, at: ClockReading? = null): SessionEvent? = eventCall(eventId, at, JvmFastPath::track, ffi::track)

    /** The app went to the background; null when it already was (or no session applies). */
    @JvmOverloads
    fun background(eventId: String? = null, at: ClockReading? = null): SessionEvent? =
        eventCall(eventId, at, JvmFastPath::background, ffi::background)

    /** The app came to the foreground; null when it already was (or no session applies). */
    @JvmOverloads
    fun foreground(eventId: String? = null, at: ClockReading? = null): SessionEvent? =
        eventCall(eventId, at, JvmFastPath::foreground, ffi::foreground)

    /** The state the process started in ([inBackground] for a push or a background job); no event. The lifecycle glue calls it. */
    fun launch(inBackground: Boolean) = translatingErrors { ffi.launch(inBackground) }

    /** Switches to manual mode and starts a session now (RudderStack's manual sessions); returns the session it replaced, if not reported yet. */
    @JvmOverloads
    fun startManualSession(customId: Long? = null, at: ClockReading? = null): EndedSession? =
        translatingErrors { ffi.startManualSession(customId, at) }

    fun startNewSession() = translatingErrors { ffi.startNewSession() }

    /** Ends the current session and returns it, for a `session_end` event; null when there was none. */
    fun endSession(): EndedSession? = translatingErrors { ffi.endSession() }

    /** Ends the session if its timeout or maximum duration has passed and returns it; the Android glue's SessionEndTimer calls it. */
    @JvmOverloads
    fun expireIfIdle(at: ClockReading? = null): EndedSession? = translatingErrors { ffi.expireIfIdle(at) }

    /** Logout: ends the session (returned), clears the app user id and, with [newUserId], gives the install a new user id. */
    @JvmOverloads
    fun reset(newUserId: Boolean = false): EndedSession? = translatingErrors { ffi.reset(newUserId) }

    /** Takes over another tracker's stored identity and session where this namespace has none yet; false when nothing changed. */
    fun importState(state: ImportedState): Boolean = translatingErrors { ffi.importState(state) }

    fun pause() = translatingErrors { ffi.pause() }

    fun resume() = translatingErrors { ffi.resume() }

    fun setAnonymous(anonymous: Boolean) = translatingErrors { ffi.setAnonymous(anonymous) }

    fun setAppUserId(appUserId: String?) = translatingErrors { ffi.setAppUserId(appUserId) }

    /** Test hook: overwrite the current session's indexes. */
    fun setIndexesForTesting(sessionIndex: Long, eventIndex: Long) = translatingErrors { ffi.setIndexesForTesting(sessionIndex, eventIndex) }

    val userId: String get() = get(JvmFastPath.USER_ID, FfiConverterString, ffi::userId)
    val sessionId: String? get() = get(JvmFastPath.SESSION_ID, FfiConverterOptionalString, ffi::sessionId)
    val sessionIndex: Int? get() = get(JvmFastPath.SESSION_INDEX, FfiConverterOptionalInt, ffi::sessionIndex)
    val isInBackground: Boolean get() = get(JvmFastPath.IS_IN_BACKGROUND, FfiConverterBoolean, ffi::isInBackground)
    val backgroundIndex: Int get() = get(JvmFastPath.BACKGROUND_INDEX, FfiConverterInt, ffi::backgroundIndex)
    val foregroundIndex: Int get() = get(JvmFastPath.FOREGROUND_INDEX, FfiConverterInt, ffi::foregroundIndex)
    val state: SessionState get() = get(JvmFastPath.STATE, FfiConverterTypeSessionState, ffi::state)

    /** Set when opening found a damaged file and moved it aside. */
    val recovery: RecoveryReport? get() = translatingErrors { ffi.recovery() }

    /**
     * Closes the database; later calls throw [SessionCoreException.Closed].
     * The small native handle itself is freed by the generated cleaner.
     */
    override fun close() {
        fastPath?.release()
        translatingErrors { ffi.closeStorage() }
    }

    private inline fun <T> get(getter: Int, converter: FfiConverter<T, *>, generated: () -> T): T = translatingErrors {
        if (fastPath != null) JvmFastPath.result(converter) { out -> JvmFastPath.get(fastPath.id, getter, out) } else generated()
    }

    private inline fun eventCall(
        eventId: String?,
        at: ClockReading?,
        fast: (id: Long, eventId: ByteArray?, at: ByteArray?, out: ByteBuffer) -> ByteArray?,
        generated: (eventId: String?, at: ClockReading?) -> SessionEvent?,
    ): SessionEvent? {
        val event = translatingErrors {
            if (fastPath != null) {
                JvmFastPath.result(FfiConverterOptionalTypeSessionEvent) { out ->
                    fast(fastPath.id, eventId?.encodeToByteArray(), at?.let(::encoded), out)
                }
            } else {
                generated(eventId, at)
            }
        }
        if (event != null && event.isNewSession) onSessionUpdate?.onSessionUpdate(event)
        return event
    }

    companion object {
        /** Opens (creating, migrating or recovering) [path] for [namespace]; a disk write: call it off the main thread, or use [openAsync]. */
        @JvmStatic
        @JvmOverloads
        fun open(
            path: String,
            namespace: String = "default",
            config: TrackerConfig = TrackerConfig(),
        ): SessionTracker = open(path, namespace, config, useJvmFastPath = true)

        /**
         * Opens [path] on a new background thread, for callers on the main
         * thread: opening writes to disk (and may migrate or recover a file).
         * [then], when given, runs there with the open tracker before the
         * Future completes, so before any call that waits for it (the
         * lifecycle glue's): the place for an import of another tracker's
         * state, which must come before the first event.
         * [Future.get] returns the tracker, or throws an ExecutionException
         * whose cause is the [SessionCoreException] (or what [then] threw,
         * after which the tracker is closed).
         */
        @JvmStatic
        @JvmOverloads
        fun openAsync(
            path: String,
            namespace: String = "default",
            config: TrackerConfig = TrackerConfig(),
            then: OpenStep? = null,
        ): Future<SessionTracker> = FutureTask {
            open(path, namespace, config).also { tracker ->
                try {
                    then?.run(tracker)
                } catch (e: Throwable) {
                    tracker.close() // nobody else will get it
                    throw e
                }
            }
        }.also { thread(name = "sessioncore-open", isDaemon = true, block = it::run) }

        /** Tests open trackers on the generated (JNA) path too, to replay the suite through both. */
        internal fun open(
            path: String,
            namespace: String,
            config: TrackerConfig,
            useJvmFastPath: Boolean,
        ): SessionTracker = SessionTracker(translatingErrors { FfiSessionTracker.open(path, namespace, config) }, useJvmFastPath)

        /** An explicit time in uniffi's own encoding, for the fast path. */
        private fun encoded(at: ClockReading): ByteArray =
            ByteBuffer.allocate(FfiConverterTypeClockReading.allocationSize(at).toInt()).also { FfiConverterTypeClockReading.write(at, it) }.array()
    }
}
