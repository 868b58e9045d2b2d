package dev.sessioncore

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.util.Collections

/**
 * Every conformance scenario, each as its own test, replayed twice: with the
 * per-event calls on the JNI fast path (what apps get) and on the generated
 * JNA path, which must give the same answers.
 */
class ConformanceTest {
    @TestFactory
    fun scenarios(): List<DynamicTest> = ScenarioRunner.scenarioFiles().map { file ->
        DynamicTest.dynamicTest(file.nameWithoutExtension) {
            try {
                for (useJvmFastPath in listOf(true, false)) {
                    try {
                        ScenarioRunner(file, useJvmFastPath).run()
                    } catch (failure: ScenarioFailure) {
                        throw ScenarioFailure("${if (useJvmFastPath) "JNI fast path" else "JNA path"}: ${failure.message}")
                    }
                }
                results += "${file.nameWithoutExtension}\tpass\t"
            } catch (failure: Throwable) {
                results += "${file.nameWithoutExtension}\tfail\t${failure.message?.replace('\n', ' ')}"
                throw failure
            }
        }
    }

    @Test
    fun theSuiteIsThere() {
        assertTrue(ScenarioRunner.scenarioFiles().size >= 40, "scenario files found: ${ScenarioRunner.scenarioFiles().size}")
    }

    companion object {
        private val results: MutableList<String> = Collections.synchronizedList(mutableListOf())

        @JvmStatic
        @AfterAll
        fun writeResults() {
            val dir = System.getenv("SESSIONCORE_RESULTS_DIR")?.takeIf { it.isNotEmpty() } ?: return
            File(dir, "kotlin.tsv").writeText(results.joinToString("") { "$it\n" })
        }
    }
}
