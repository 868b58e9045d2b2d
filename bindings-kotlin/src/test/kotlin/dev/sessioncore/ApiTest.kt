package dev.sessioncore

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File

/** The Kotlin API beyond the scenarios: typed exceptions, closing, listeners, two trackers on one file. */
class ApiTest {
    @TempDir
    lateinit var dir: File

    private val db get() = File(dir, "sessions.db").path
    private val t0 = 1_700_000_000_000L

    @Test
    fun readmeExample() {
        val path = db
        // README example: kotlin
        val tracker = SessionTracker.open(path, "default", TrackerConfig(backgroundTimeoutMs = 600_000))
        tracker.onSessionUpdate = SessionUpdateListener { event ->
            println("new session ${event.sessionId} (${event.newSessionReason})")
        }
        tracker.use {
            val event = it.track()                      // the entity of this event
            val context = event?.snowplowContextJson     // attach to the Snowplow event
            it.background()
            println("session ${it.sessionIndex}, in background: ${it.isInBackground}")
        }
        // end README example
        SessionTracker.open(path).use { assertEquals(1, it.sessionIndex) }
    }

    @Test
    fun openAsyncGivesTheTrackerOrTheErrorAsTheCause() {
        SessionTracker.openAsync(db).get().use { assertEquals(1, it.track()!!.eventIndex) }
        val failure = assertThrows<java.util.concurrent.ExecutionException> { SessionTracker.openAsync(db, namespace = "").get() }
        assertEquals("namespace", (failure.cause as SessionCoreException.InvalidConfig).field)
    }

    @Test
    fun openAsyncRunsItsStepBeforeAnyoneGetsTheTracker() {
        val tracker = SessionTracker.openAsync(db) { it.track() }.get()
        tracker.use { assertEquals(2, it.track()!!.eventIndex) }

        var stepTracker: SessionTracker? = null
        val failure = assertThrows<java.util.concurrent.ExecutionException> {
            SessionTracker.openAsync(db) { stepTracker = it; throw IllegalStateException("import failed") }.get()
        }
        assertEquals("import failed", failure.cause?.message)
        // Nobody can get that tracker: the step's failure closed it.
        assertThrows<SessionCoreException.Closed> { stepTracker!!.track() }
    }

    @Test
    fun invalidConfigNamesTheField() {
        val error = assertThrows<SessionCoreException.InvalidConfig> {
            SessionTracker.open(db, config = TrackerConfig(foregroundTimeoutMs = -1))
        }
        assertEquals("foregroundTimeoutMs", error.field)
        assertThrows<SessionCoreException.InvalidConfig> { SessionTracker.open(db, namespace = "") }
        assertFalse(File(db).exists())
    }

    @Test
    fun badArgumentsAreInvalidArgument() {
        SessionTracker.open(db).use { tracker ->
            val error = assertThrows<SessionCoreException.InvalidArgument> { tracker.startManualSession(123) }
            assertEquals("customId", error.argument)
            assertThrows<SessionCoreException.InvalidArgument> { tracker.track("not-a-uuid") }
            assertNull(tracker.sessionId)
        }
    }

    @Test
    fun unwritablePathIsAStorageError() {
        assertThrows<SessionCoreException.Storage> { SessionTracker.open(File(dir, "missing/dir/sessions.db").path) }
    }

    @Test
    fun closedTrackerThrowsClosed() {
        val tracker = SessionTracker.open(db)
        tracker.close()
        tracker.close()
        assertThrows<SessionCoreException.Closed> { tracker.track() }
        assertThrows<SessionCoreException.Closed> { tracker.sessionIndex }
    }

    @Test
    fun listenerIsCalledOncePerNewSession() {
        var now = t0
        val seen = mutableListOf<SessionEvent>()
        SessionTracker.open(db, config = TrackerConfig(foregroundTimeoutMs = 1000)).use { tracker ->
            tracker.onSessionUpdate = SessionUpdateListener { seen += it }
            for (step in listOf(0L, 10, 10, 5000, 10)) {
                now += step
                tracker.track(at = ClockReading(now, null))
            }
        }
        assertEquals(listOf(1, 2), seen.map { it.sessionIndex })
        assertTrue(seen.all { it.eventIndex == 1 })
    }

    @Test
    fun twoTrackersOnOneFileStayConsistent() {
        SessionTracker.open(db).use { a ->
            SessionTracker.open(db).use { b ->
                val first = a.track()!!
                assertEquals(first.sessionId, b.sessionId)
                assertEquals(2, b.track()!!.eventIndex)
                assertEquals(3, a.track()!!.eventIndex)
                assertEquals(a.userId, b.userId)
            }
        }
    }

    @Test
    fun callsTakeTheJniFastPathAndAgreeWithTheGeneratedPath() {
        SessionTracker.open(db).use { fast ->
            SessionTracker.open(db, "default", TrackerConfig(), useJvmFastPath = false).use { generated ->
                assertTrue(fast.usesJvmFastPath, "fast path off: ${JvmFastPath.unavailableBecause}")
                assertFalse(generated.usesJvmFastPath)
                val events = listOf(fast.track(), generated.track(), fast.background(), generated.foreground(), fast.track())
                assertEquals(listOf(1, 2, 3, 4, 5), events.map { it!!.eventIndex })
                assertEquals(1, events.map { it!!.sessionId }.toSet().size)
                assertEquals(listOf(1, 1), listOf(fast.backgroundIndex, generated.foregroundIndex))
                assertEquals(generated.state, fast.state)
                assertEquals(
                    listOf(generated.userId, generated.sessionId, generated.sessionIndex, generated.isInBackground,
                        generated.backgroundIndex, generated.foregroundIndex),
                    listOf(fast.userId, fast.sessionId, fast.sessionIndex, fast.isInBackground,
                        fast.backgroundIndex, fast.foregroundIndex),
                )
            }
        }
    }

    @Test
    fun resultsLongerThanTheThreadsBufferArriveWhole() {
        val sizeBefore = JvmFastPath.resultBufferBytes
        JvmFastPath.resultBufferBytes = 8 // this test's new thread gets a buffer too small for every result but a flag
        try {
            var failure: Throwable? = null
            kotlin.concurrent.thread {
                try {
                    SessionTracker.open(db).use { fast ->
                        SessionTracker.open(db, "default", TrackerConfig(), useJvmFastPath = false).use { generated ->
                            val event = fast.track("9b2d1f0e-3c4a-4d5e-8f60-718293a4b5c6")!!
                            assertEquals(generated.state, fast.state)
                            assertEquals(listOf(event.sessionId, event.userId), listOf(generated.sessionId, generated.userId))
                            assertEquals(listOf(fast.sessionIndex, fast.isInBackground), listOf(1, false))
                            val error = assertThrows<SessionCoreException.InvalidArgument> { fast.track("x".repeat(64)) }
                            assertEquals("eventId", error.argument)
                        }
                    }
                } catch (e: Throwable) {
                    failure = e
                }
            }.join()
            failure?.let { throw it }
        } finally {
            JvmFastPath.resultBufferBytes = sizeBefore
        }
    }

    @Test
    fun threadsOnOneTrackerNeverShareAnEventIndex() {
        SessionTracker.open(db).use { tracker ->
            val indexes = java.util.concurrent.ConcurrentLinkedQueue<Int>()
            val threads = (1..4).map { Thread { repeat(50) { indexes += tracker.track()!!.eventIndex } } }
            threads.forEach(Thread::start)
            threads.forEach(Thread::join)
            assertEquals((1..200).toList(), indexes.sorted())
        }
    }
}

/** Damaged and hostile files through the JVM binding: typed errors or recovery, never a crash. */
class HostileStorageTest {
    @TempDir
    lateinit var dir: File

    private val db get() = File(dir, "sessions.db")

    @Test
    fun aFileThatIsNotADatabaseIsMovedAsideAndReplaced() {
        db.writeText("definitely not sqlite ".repeat(400))
        SessionTracker.open(db.path).use { tracker ->
            val recovery = tracker.recovery!!
            assertTrue(File(recovery.movedTo!!).readText().startsWith("definitely not sqlite"))
            assertTrue(tracker.track()!!.isNewSession)
        }
    }

    @Test
    fun aNewerSchemaIsRefusedUntouched() {
        SessionTracker.open(db.path).use { it.track() }
        // user_version is the big-endian int at byte 60 of the database header.
        java.io.RandomAccessFile(db, "rw").use { it.seek(60); it.writeInt(99) }
        val before = db.readBytes()
        val error = assertThrows<SessionCoreException.Storage> { SessionTracker.open(db.path) }
        assertTrue("newer" in error.detail, error.detail)
        assertTrue(before.contentEquals(db.readBytes()))
    }
}
