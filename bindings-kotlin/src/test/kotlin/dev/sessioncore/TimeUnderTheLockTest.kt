package dev.sessioncore

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread

/**
 * Time under the lock (docs/semantics.md, "Time") through the Kotlin wrapper:
 * threads in this JVM and in child JVMs track at once on one file with the
 * real clock. The core reads the clocks after it holds the write lock, so no
 * event is judged earlier than the stored last activity. The Rust version is
 * core/tests/time_under_the_lock.rs; these are its assertions.
 */
class TimeUnderTheLockTest {
    @TempDir
    lateinit var dir: File

    @Test
    fun oneSessionForEveryCallerWithTheDefaultTimeouts() {
        val seen = trackEverywhere("default", zeroTimeouts = false)
        assertEquals(setOf(1), seen.map { it.sessionIndex }.toSet(), "exactly one session")
    }

    @Test
    fun sessionStartsFollowCommitOrderWithZeroTimeouts() {
        val seen = trackEverywhere("zero", zeroTimeouts = true)
        val expectedReasons = setOf(null, NewSessionReason.FIRST_SESSION, NewSessionReason.FOREGROUND_TIMEOUT)
        assertEquals(emptyList<Seen>(), seen.filter { it.reason !in expectedReasons })
        val starts = seen.associate { it.sessionIndex to it.sessionStartMs }.toSortedMap().values.toList()
        val wentBack = starts.zipWithNext().count { (before, after) -> after < before }
        println("zero: ${starts.size} sessions, $wentBack started earlier than the one before")
        assertEquals(0, wentBack, "times are read under the lock, so starts follow commit order")
    }

    /** Every caller at once: this JVM's threads and [PROCESSES] child JVMs, each with threads. */
    private fun trackEverywhere(name: String, zeroTimeouts: Boolean): List<Seen> {
        val db = File(dir, "sessions.db").path
        open(db, zeroTimeouts).close() // created before the race
        val children = (1..PROCESSES).map { startChild(db, zeroTimeouts) }
        // Every JVM is up before anyone tracks, so that they all track at once.
        val outputs = children.map { it.inputStream.bufferedReader() }
        assertEquals(List(PROCESSES) { READY }, outputs.map { it.readLine() })
        children.forEach { it.outputStream.bufferedWriter().apply { write("go\n") }.flush() }
        val seen = trackFromThreads(db, zeroTimeouts).toMutableList()
        for ((child, output) in children.zip(outputs)) {
            val lines = output.readLines()
            assertEquals(true, child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), "a child finished")
            assertEquals(0, child.exitValue(), "a child failed: ${lines.takeLast(5)}")
            seen += lines.mapNotNull(Seen::parse)
        }
        assertEquals((PROCESSES + 1) * THREADS * EVENTS_PER_CALLER, seen.size, "every event of every caller was tracked")
        val backwards = seen.count { it.reason == NewSessionReason.CLOCK_MOVED_BACKWARDS }
        val sessions = seen.groupBy { it.sessionIndex }.toSortedMap()
        println(
            "$name: $THREADS threads x $PROCESSES processes (and this one), ${seen.size} events, " +
                "${sessions.size} sessions, $backwards clockMovedBackwards",
        )
        assertEquals(0, backwards, "no event was judged earlier than the stored last activity")
        for ((index, events) in sessions) {
            assertEquals((1..events.size).toList(), events.map { it.eventIndex }.sorted(), "session $index: 1..n")
            assertEquals(1, events.map { it.sessionId }.toSet().size, "session $index: one id")
        }
        assertEquals((1..sessions.size).toList(), sessions.keys.toList(), "session indexes are consecutive")
        return seen
    }

    private fun startChild(db: String, zeroTimeouts: Boolean): Process {
        val java = File(System.getProperty("java.home"), "bin/java").path
        return ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "-Djna.library.path=${System.getProperty("jna.library.path")}",
            ChildProcess::class.java.name,
            db,
            zeroTimeouts.toString(),
        ).redirectError(ProcessBuilder.Redirect.INHERIT).start()
    }

    /** One tracked event as a caller saw it. */
    data class Seen(
        val sessionId: String,
        val sessionIndex: Int,
        val eventIndex: Int,
        val sessionStartMs: Long,
        val reason: NewSessionReason?,
    ) {
        fun line() = "seen $sessionId $sessionIndex $eventIndex $sessionStartMs ${reason?.name ?: "-"}"

        companion object {
            fun parse(line: String): Seen? {
                val fields = line.removePrefix("seen ").split(' ').takeIf { line.startsWith("seen ") && it.size == 5 } ?: return null
                val reason = fields[4].takeUnless { it == "-" }?.let(NewSessionReason::valueOf)
                return Seen(fields[0], fields[1].toInt(), fields[2].toInt(), fields[3].toLong(), reason)
            }
        }
    }

    /** A child JVM: tracks from its threads and prints what it saw. */
    object ChildProcess {
        @JvmStatic
        fun main(args: Array<String>) {
            println(READY)
            readln() // go
            trackFromThreads(args[0], args[1].toBooleanStrict()).forEach { println(it.line()) }
        }
    }

    companion object {
        const val THREADS = 4
        const val PROCESSES = 3
        const val EVENTS_PER_CALLER = 150
        const val CHILD_TIMEOUT_SECONDS = 120L
        const val READY = "ready"

        fun open(db: String, zeroTimeouts: Boolean): SessionTracker =
            SessionTracker.open(db, config = if (zeroTimeouts) TrackerConfig(foregroundTimeoutMs = 0, backgroundTimeoutMs = 0) else TrackerConfig())

        /** [THREADS] threads: even ones share one tracker, odd ones open their own. */
        fun trackFromThreads(db: String, zeroTimeouts: Boolean): List<Seen> {
            val shared = open(db, zeroTimeouts)
            val own = (0 until THREADS).filter { it % 2 == 1 }.associateWith { open(db, zeroTimeouts) }
            val results = arrayOfNulls<List<Seen>>(THREADS)
            (0 until THREADS).map { t ->
                val tracker = own[t] ?: shared
                thread {
                    results[t] = List(EVENTS_PER_CALLER) {
                        val e = tracker.track()!!
                        Seen(e.sessionId, e.sessionIndex, e.eventIndex, e.sessionStartMs, e.newSessionReason)
                    }
                }
            }.forEach(Thread::join)
            (own.values + shared).forEach(SessionTracker::close)
            return results.flatMap { it!! }
        }
    }
}
