package dev.sessioncore.consumer

import dev.sessioncore.ClockReading
import dev.sessioncore.ImportedState
import dev.sessioncore.SessionCoreException
import dev.sessioncore.SessionTracker
import java.io.File
import java.nio.file.Files
import kotlin.system.exitProcess

/**
 * An app's whole use of sessioncore, as scripts/test-packaging.sh runs it
 * (compiled by Kotlin 2.0 against the published jar, then also shrunk by R8
 * with the AAR's rules): open a tracker on a temporary file, track, read every
 * getter, close, and see a closed tracker refuse; then what the Android glue's
 * importer and expiry timer call: an import in openAsync's step and an
 * expiry, whose records cross the generated layer. Prints what it read; exits
 * non-zero on any surprise.
 */
fun main() {
    val directory = Files.createTempDirectory("sessioncore-consumer").toFile()
    try {
        val tracker = SessionTracker.open(File(directory, "sessions.db").path)
        val first = tracker.track() ?: fail("the first event started no session")
        if (!first.isNewSession) fail("the first event is not a new session")
        tracker.track()
        tracker.background()
        val read = listOf(
            "userId" to tracker.userId.isNotEmpty(),
            "sessionId" to (tracker.sessionId == first.sessionId),
            "sessionIndex" to tracker.sessionIndex,
            "isInBackground" to tracker.isInBackground,
            "backgroundIndex" to tracker.backgroundIndex,
            "foregroundIndex" to tracker.foregroundIndex,
            "state" to (tracker.state.sessionId == first.sessionId),
            "recovery" to tracker.recovery,
            "fast path" to tracker.usesJvmFastPath,
        )
        read.forEach { (name, value) -> println("$name: $value") }
        tracker.close()
        try {
            tracker.track()
            fail("a closed tracker tracked")
        } catch (expected: SessionCoreException.Closed) {
            println("closed: refused with SessionCoreException.Closed")
        }
        importAndExpire(File(directory, "imported.db").path)
    } finally {
        directory.deleteRecursively()
    }
}

private fun importAndExpire(path: String) {
    val firstEventMs = 1_764_000_000_000L
    val state = ImportedState(
        "8a3c2f0e-9b1d-4e6a-8c7f-1d2e3f4a5b6c", "b7e4c1d2-3a5f-4e6b-9c8d-7f6e5d4c3b2a", 7, null, 1,
        firstEventMs, "f3a4b5c6-d7e8-4f9a-8b0c-2d3e4f5a6b7c", firstEventMs,
    )
    var imported = false
    SessionTracker.openAsync(path) { imported = it.importState(state) }.get().use { tracker ->
        val ended = tracker.expireIfIdle(ClockReading(firstEventMs + 1_800_001)) ?: fail("the imported session did not expire")
        println("imported: $imported")
        println("expired: session ${ended.sessionIndex}, ${ended.eventCount} event, ${ended.startMs}..${ended.endMs}")
    }
}

private fun fail(why: String): Nothing {
    println("consumer app: $why")
    exitProcess(1)
}
