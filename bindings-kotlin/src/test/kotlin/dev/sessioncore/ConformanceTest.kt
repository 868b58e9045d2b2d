package dev.sessioncore

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.util.concurrent.ConcurrentHashMap

/** Every scenario through [ScenarioDriver] on the JNI fast path (results `kotlin`) and the JNA path (`kotlin-jna`). */
class ConformanceTest {
    @TestFactory
    fun scenarios(): List<DynamicTest> = scenarioFiles().map { file ->
        DynamicTest.dynamicTest(file.nameWithoutExtension) {
            val failures = listOf("kotlin" to true, "kotlin-jna" to false).mapNotNull { (key, fastPath) ->
                val failure = ScenarioDriver.replay(file, fastPath, key)
                results.getOrPut(key) { mutableListOf() } += "${file.nameWithoutExtension}\t${if (failure == null) "pass" else "fail"}\t${failure.orEmpty()}"
                failure?.let { "$key: $it" }
            }
            if (failures.isNotEmpty()) throw AssertionError(failures.joinToString("\n"))
        }
    }

    @Test
    fun theSuiteIsThere() = assertTrue(scenarioFiles().size >= 40, "scenario files found: ${scenarioFiles().size}")

    @Test
    fun aWrongExpectationFailsTheRun() =
        assertEquals("wrong-expectation step 2 `track`: eventIndex: expected 3, got 2", ScenarioDriver.replay(negative("wrong-expectation"), true))

    @Test
    fun anUnknownOpIsRefusedBeforeAnythingRuns() {
        val why = ScenarioDriver.replay(negative("unknown-op"), true).orEmpty()
        assertTrue("unknown variant `trak`" in why, why)
    }

    companion object {
        private val results = ConcurrentHashMap<String, MutableList<String>>()
        private val scenarios = System.getProperty("sessioncore.scenarios")

        private fun negative(name: String) = File(scenarios, "../conformance/negative/$name.json")

        fun scenarioFiles(): List<File> = listOfNotNull(scenarios, System.getenv("SESSIONCORE_SCENARIOS")?.ifEmpty { null })
            .flatMap { dir -> File(dir).listFiles { f -> f.extension == "json" }.orEmpty().toList() }.sortedBy { it.path }

        @JvmStatic
        @AfterAll
        fun writeResults() {
            val dir = System.getenv("SESSIONCORE_RESULTS_DIR")?.ifEmpty { null } ?: return
            results.forEach { (key, lines) -> File(dir, "$key.tsv").writeText(lines.sorted().joinToString("") { "$it\n" }) }
        }
    }
}
