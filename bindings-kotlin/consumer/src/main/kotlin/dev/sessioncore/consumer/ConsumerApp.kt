package dev.sessioncore.consumer

import dev.sessioncore.SessionCoreException
import dev.sessioncore.SessionTracker
import java.io.File
import java.nio.file.Files
import kotlin.system.exitProcess

/**
 * An app's whole use of sessioncore, as scripts/test-packaging.sh runs it
 * (compiled by Kotlin 2.0 against the published jar, then also shrunk by R8
 * with the AAR's rules): open a tracker on a temporary file, track, read every
 * getter, close, and see a closed tracker refuse. Prints what it read; exits
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
    } finally {
        directory.deleteRecursively()
    }
}

private fun fail(why: String): Nothing {
    println("consumer app: $why")
    exitProcess(1)
}
