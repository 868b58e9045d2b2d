package dev.sessioncore

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.nio.file.Files
import kotlin.system.exitProcess

/**
 * A native library without the JNI fast path's entries (an older or
 * mismatched build) must leave the tracker working on the generated JNA path,
 * with one log line, and every error a [SessionCoreException]. The fast path
 * is set up once per JVM, so the app runs in a JVM of its own, against a copy
 * of the test library whose `Java_dev_sessioncore_JvmFastPath_*` names are
 * renamed in its string tables (same length: nothing else in the file moves,
 * and the dynamic linker no longer finds those symbols).
 */
class FastPathFallbackTest {
    @Test
    fun `a library without the fast path entries falls back to the generated path`() {
        val original = File(System.getProperty("jna.library.path"), System.mapLibraryName("sessioncore"))
        val directory = Files.createTempDirectory("sessioncore-fallback").toFile()
        try {
            val (bytes, renamed) = renamed(original.readBytes(), ENTRY_PREFIX, "X" + ENTRY_PREFIX.drop(1))
            // Six entries in .dynstr (more in .strtab when the library is not stripped).
            assertTrue(renamed >= 6, "renamed $renamed names")
            File(directory, original.name).writeBytes(bytes)

            val java = File(System.getProperty("java.home"), "bin/java").path
            val classpath = System.getProperty("surefire.test.class.path") ?: System.getProperty("java.class.path")
            val process = ProcessBuilder(
                java, "-cp", classpath, "-Djna.library.path=${directory.path}",
                FallbackApp::class.java.name, File(directory, "sessions.db").path,
            ).redirectErrorStream(true).start()
            val output = process.inputStream.bufferedReader().readText()
            assertEquals(0, process.waitFor(), output)
            assertEquals(1, output.lines().count { "JVM fast path off" in it }, output)
            assertTrue("does not export Java_dev_sessioncore_JvmFastPath_nativeAdopt" in output, output)
            assertTrue(output.lines().contains("fallback app: ok"), output)
        } finally {
            directory.deleteRecursively()
        }
    }

    private fun renamed(bytes: ByteArray, from: String, to: String): Pair<ByteArray, Int> {
        val needle = from.toByteArray()
        val replacement = to.toByteArray()
        val copy = bytes.copyOf()
        var count = 0
        var at = 0
        while (at <= copy.size - needle.size) {
            if ((needle.indices).all { copy[at + it] == needle[it] }) {
                replacement.copyInto(copy, at)
                count += 1
                at += needle.size
            } else {
                at += 1
            }
        }
        return copy to count
    }

    private companion object {
        const val ENTRY_PREFIX = "Java_dev_sessioncore_JvmFastPath_"
    }
}

/** The app run by [FastPathFallbackTest]: exits non-zero on any surprise. */
object FallbackApp {
    @JvmStatic
    fun main(args: Array<String>) {
        val tracker = SessionTracker.open(args[0])
        check(!tracker.usesJvmFastPath) { "the fast path is on although its entries are missing" }
        val event = checkNotNull(tracker.track()) { "the first event has no session" }
        check(event.isNewSession && tracker.sessionId == event.sessionId)
        tracker.background()
        check(tracker.isInBackground)
        tracker.close()
        try {
            tracker.track()
            println("fallback app: a closed tracker tracked")
            exitProcess(1)
        } catch (expected: SessionCoreException.Closed) {
            println("fallback app: ok")
        }
    }
}
