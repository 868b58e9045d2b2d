package dev.sessioncore

import org.json.JSONObject
import java.io.File
import java.lang.reflect.Modifier
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * Kotlin's conformance driver: runs the steps the checker resolved
 * (tests/conformance) through the public wrapper, on the JNI fast path or the
 * generated JNA path, and returns the trace. What the trace must say is the
 * checker's business, not this file's.
 */
class ScenarioDriver(private val resolved: JSONObject, private val useJvmFastPath: Boolean) {
    private val db = Files.createTempDirectory("sessioncore-kt-").resolve("sessions.db").toString()
    private var config = config(resolved.getJSONObject("config"))
    private val trackers = LinkedHashMap<String, SessionTracker>()

    fun trace(): String = try {
        val steps = resolved.getJSONArray("steps")
        (0 until steps.length()).joinToString("") { n ->
            val step = steps.getJSONObject(n)
            val (returned, error) = outcome { call(step) }
            val (getters, gettersError) = outcome { getters(tracker(step.getString("namespace"))) }
            JSONObject().put("step", n).put("op", step.getString("op")).put("returned", returned).put("error", error)
                .put("getters", if (gettersError == JSONObject.NULL) getters else JSONObject().put("error", gettersError)).toString() + "\n"
        }
    } finally {
        trackers.values.forEach { it.close() }
        File(db).parentFile.deleteRecursively()
    }

    private fun outcome(call: () -> Any?): Pair<Any, Any> = try {
        json(call()) to JSONObject.NULL
    } catch (e: SessionCoreException) {
        JSONObject.NULL to e.javaClass.simpleName
    }

    private fun open(namespace: String, config: TrackerConfig) = SessionTracker.open(db, namespace, config, useJvmFastPath).also {
        check(it.usesJvmFastPath == useJvmFastPath) { "the JVM fast path is not available: ${JvmFastPath.unavailableBecause}" }
    }

    private fun tracker(namespace: String) = trackers.getOrPut(namespace) { open(namespace, config) }

    /** Closes every tracker, then reopens each with [next], or with the configuration in effect if [next] is refused. */
    private fun restart(next: TrackerConfig) {
        trackers.values.forEach { it.close() }
        var refused: SessionCoreException? = null
        trackers.replaceAll { namespace, _ -> runCatching { open(namespace, next) }.getOrElse { refused = it as SessionCoreException; open(namespace, config) } }
        config = refused?.let { throw it } ?: next
    }

    private fun call(step: JSONObject): Any? {
        if (step.getString("op") == "restart") return restart(config(step.getJSONObject("config")))
        val tracker = tracker(step.getString("namespace"))
        val at = step.optJSONObject("at")?.let { at ->
            ClockReading(at.getLong("wallMs"), at.optJSONObject("boot")?.let { BootClockReading(it.getString("bootId"), it.getLong("uptimeMs")) })
        }
        val eventId = step.optString("eventId").takeUnless { step.isNull("eventId") }
        return when (step.getString("op")) {
            "track" -> tracker.track(eventId, at)
            "background" -> tracker.background(eventId, at)
            "foreground" -> tracker.foreground(eventId, at)
            "launch" -> tracker.launch(step.getBoolean("inBackground"))
            "startNewSession" -> tracker.startNewSession()
            "pause" -> tracker.pause()
            "resume" -> tracker.resume()
            "setAnonymous" -> tracker.setAnonymous(step.getBoolean("value"))
            "setAppUserId" -> tracker.setAppUserId(step.optString("value").takeUnless { step.isNull("value") })
            "startManualSession" -> tracker.startManualSession(step.optLong("customId").takeUnless { step.isNull("customId") }, at)
            "endSession" -> tracker.endSession()
            "expireIfIdle" -> tracker.expireIfIdle(at)
            "reset" -> tracker.reset(step.getBoolean("newUserId"))
            "importState" -> tracker.importState(step.getJSONObject("importedState").let { s ->
                fun text(key: String) = s.optString(key).takeUnless { s.isNull(key) }
                ImportedState(s.getString("userId"), s.getString("sessionId"), s.getLong("sessionIndex"), text("previousSessionId"),
                    s.getLong("eventIndex"), s.getLong("lastActivityMs"), text("firstEventId"), s.optLong("firstEventMs").takeUnless { s.isNull("firstEventMs") })
            })
            "seedIndexes" -> tracker.setIndexesForTesting(step.getLong("sessionIndex"), step.getLong("eventIndex"))
            "open", "check" -> null
            else -> error("the checker never resolves op ${step.getString("op")}")
        }
    }

    private fun getters(t: SessionTracker) = mapOf(
        "userId" to t.userId, "sessionId" to t.sessionId, "sessionIndex" to t.sessionIndex, "isInBackground" to t.isInBackground,
        "backgroundIndex" to t.backgroundIndex, "foregroundIndex" to t.foregroundIndex, "state" to t.state,
    )

    companion object {
        private fun config(json: JSONObject) = TrackerConfig(
            json.getLong("foregroundTimeoutMs"), json.getLong("backgroundTimeoutMs"), json.getBoolean("continueSessionOnRestart"),
            json.optLong("maxSessionDurationMs").takeUnless { json.isNull("maxSessionDurationMs") }, json.getBoolean("anonymous"),
            json.getBoolean("backgroundEventsStartSessions"),
            json.optString("durability").takeUnless { json.isNull("durability") }?.let { Durability.valueOf(it.uppercase()) },
        )

        /** A value as the trace spells it: records by their fields, enum cases in camelCase. */
        private fun json(value: Any?): Any = when (value) {
            null, Unit -> JSONObject.NULL
            is String, is Boolean, is Int, is Long -> value
            is Enum<*> -> value.name.lowercase().split('_').let { it.first() + it.drop(1).joinToString("") { p -> p.replaceFirstChar(Char::uppercase) } }
            is Map<*, *> -> JSONObject().also { o -> value.forEach { (k, v) -> o.put(k as String, json(v)) } }
            else -> JSONObject().also { o ->
                value.javaClass.declaredFields.filterNot { Modifier.isStatic(it.modifiers) }.forEach { f -> o.put(f.name, json(f.apply { isAccessible = true }.get(value))) }
            }
        }

        /** Resolve, drive, check: null when the trace meets the scenario, else the checker's verdict. */
        fun replay(file: File, useJvmFastPath: Boolean, resultsKey: String? = null): String? {
            var failure: String? = null
            val resolved = checker("resolve", file.path) { failure = it } ?: return failure
            val dir = System.getenv("SESSIONCORE_RESULTS_DIR")?.ifEmpty { null }?.takeIf { resultsKey != null }
            val trace = (if (dir != null) File(dir, "traces/$resultsKey/${file.nameWithoutExtension}.jsonl") else File.createTempFile("trace", ".jsonl"))
            trace.apply { parentFile.mkdirs() }.writeText(ScenarioDriver(JSONObject(resolved), useJvmFastPath).trace())
            checker("check", file.path, trace.path) { failure = it }
            if (dir == null) trace.delete()
            return failure
        }

        /** Runs the `conformance` binary: its output, or null with [onError] told why. */
        fun checker(vararg args: String, onError: (String) -> Unit): String? {
            val binary = System.getenv("SESSIONCORE_CHECKER") ?: error("SESSIONCORE_CHECKER is not set (scripts/test-kotlin.sh sets it)")
            val process = ProcessBuilder(binary, *args).start()
            val (out, err) = process.inputStream.bufferedReader().readText() to process.errorStream.bufferedReader().readText()
            check(process.waitFor(60, TimeUnit.SECONDS)) { "the checker hung" }
            return if (process.exitValue() == 0) out else null.also { onError(err.trim()) }
        }
    }
}
