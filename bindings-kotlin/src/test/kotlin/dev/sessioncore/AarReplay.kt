package dev.sessioncore

import java.io.File
import kotlin.system.exitProcess

/**
 * Replays the scenario files given as arguments and exits non-zero on any
 * failure. scripts/test-android.sh runs it with the classes.jar unpacked from
 * the AAR on the classpath, to show that the packaged classes work.
 */
fun main(args: Array<String>) {
    var failed = 0
    for (path in args) {
        val file = File(path)
        when (val failure = ScenarioDriver.replay(file, useJvmFastPath = true)) {
            null -> println("pass ${file.nameWithoutExtension}")
            else -> {
                failed += 1
                println("FAIL $failure")
            }
        }
    }
    println("aar replay: ${args.size - failed} passed, $failed failed")
    exitProcess(if (failed == 0 && args.isNotEmpty()) 0 else 1)
}
