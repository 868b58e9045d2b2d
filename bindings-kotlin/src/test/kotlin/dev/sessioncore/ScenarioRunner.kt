package dev.sessioncore

import org.json.JSONObject
import java.io.File
import java.nio.file.Files
import java.util.UUID

/** A scenario expectation that did not hold, or a malformed scenario. */
class ScenarioFailure(message: String) : AssertionError(message)

/**
 * Replays one conformance scenario (docs/scenario-format.md) through the
 * Kotlin wrapper, with its per-event calls on the JNI fast path or on the
 * generated JNA path. The Rust runner (core/src/scenario/) is the reference.
 */
class ScenarioRunner(private val file: File, private val useJvmFastPath: Boolean = true) {
    private val scenario = JSONObject(file.readText())
    private val startMs = scenario.getLong("startMs")
    private val db = Files.createTempDirectory("sessioncore-kt-").resolve("sessions.db").toString()
    private var config = merged(TrackerConfig(), scenario.optJSONObject("config") ?: JSONObject())
    private val clock = ManualClock()
    private val trackers = LinkedHashMap<String, SessionTracker>()
    private val sessions = Labels()
    private val users = Labels()
    private val events = Labels()

    fun run() {
        validate()
        try {
            tracker("default")
            val steps = scenario.getJSONArray("steps")
            for (i in 0 until steps.length()) {
                val step = steps.getJSONObject(i)
                try {
                    step(step)
                } catch (failure: ScenarioFailure) {
                    throw ScenarioFailure("step ${i + 1} (${step.getString("op")}): ${failure.message}")
                }
            }
        } finally {
            trackers.values.forEach { it.close() }
            File(db).parentFile.deleteRecursively()
        }
    }

    private fun validate() {
        unknown(scenario, TOP_KEYS, "scenario")
        unknown(scenario.optJSONObject("config") ?: JSONObject(), CONFIG_KEYS, "config")
        if (scenario.getString("name") != file.nameWithoutExtension) {
            throw ScenarioFailure("name ${scenario.getString("name")} is not the file name ${file.nameWithoutExtension}")
        }
        val steps = scenario.getJSONArray("steps")
        for (i in 0 until steps.length()) {
            val step = steps.getJSONObject(i)
            val op = step.getString("op")
            val (required, optional) = OP_FIELDS[op] ?: throw ScenarioFailure("step ${i + 1}: unknown op $op")
            unknown(step, COMMON_KEYS + required + optional, "step ${i + 1} ($op)")
            required.firstOrNull { !step.has(it) }?.let { throw ScenarioFailure("step ${i + 1}: op $op needs $it") }
            if (step.has("expect") && op !in EVENT_OPS) throw ScenarioFailure("step ${i + 1}: op $op takes no expect")
            step.optJSONObject("expect")?.let { unknown(it, EXPECT_KEYS, "step ${i + 1} expect") }
            step.optJSONObject("state")?.let { unknown(it, STATE_KEYS, "step ${i + 1} state") }
            step.optJSONObject("config")?.let { unknown(it, CONFIG_KEYS, "step ${i + 1} config") }
            if (step.has("expectError") && step.getString("expectError") !in ERROR_KINDS) {
                throw ScenarioFailure("step ${i + 1}: unknown error kind ${step.getString("expectError")}")
            }
        }
    }

    private fun open(namespace: String, config: TrackerConfig) =
        SessionTracker.open(db, namespace, config, clock, useJvmFastPath).also {
            if (it.usesJvmFastPath != useJvmFastPath) throw ScenarioFailure("the JVM fast path is not available: ${JvmFastPath.unavailableBecause}")
        }

    private fun tracker(namespace: String): SessionTracker =
        trackers[namespace] ?: open(namespace, config).also { trackers[namespace] = it }

    private fun restart(patch: JSONObject) {
        val next = merged(config, patch)
        trackers.values.forEach { it.close() }
        var failure: SessionCoreException? = null
        for (namespace in trackers.keys.toList()) {
            trackers[namespace] = try {
                open(namespace, next)
            } catch (e: SessionCoreException) {
                failure = e
                open(namespace, config)
            }
        }
        failure?.let { throw it }
        config = next
    }

    private fun step(step: JSONObject) {
        val expectedError = step.optString("expectError", "").ifEmpty { null }
        val event = try {
            call(step).also {
                if (expectedError != null) throw ScenarioFailure("expected a $expectedError error, the call succeeded")
            }
        } catch (e: SessionCoreException) {
            val kind = e.javaClass.simpleName
            if (kind != expectedError) throw ScenarioFailure("unexpected error: $kind (${e.message})")
            null
        }
        event?.let { checkConsistency(it) }
        step.optJSONObject("expect")?.let { checkEvent(it, event) }
        step.optJSONObject("state")?.let { checkState(it, tracker(step.optString("namespace", "default")).state) }
    }

    private fun call(step: JSONObject): SessionEvent? {
        val op = step.getString("op")
        if (op == "restart") {
            restart(step.optJSONObject("config") ?: JSONObject())
            return null
        }
        val tracker = tracker(step.optString("namespace", "default"))
        clock.nowMs = startMs + step.optLong("at", 0)
        val eventId = if (step.has("eventId")) events.idFor(step.getString("eventId")) else null
        when (op) {
            "track" -> return tracker.track(eventId)
            "background" -> return tracker.background(eventId)
            "foreground" -> return tracker.foreground(eventId)
            "startNewSession" -> tracker.startNewSession()
            "pause" -> tracker.pause()
            "resume" -> tracker.resume()
            "setAnonymous" -> tracker.setAnonymous(step.getBoolean("value"))
            "setAppUserId" -> tracker.setAppUserId(if (step.isNull("value")) null else step.getString("value"))
            "startManualSession" -> tracker.startManualSession(if (step.has("customId")) step.getLong("customId") else null)
            "endSession" -> tracker.endSession()
            "seedIndexes" -> tracker.setIndexesForTesting(step.getLong("sessionIndex"), step.getLong("eventIndex"))
            "check" -> {}
        }
        return null
    }

    private fun checkEvent(expect: JSONObject, event: SessionEvent?) {
        val wantsNone = expect.has("entity") && expect.isNull("entity")
        if (event == null) {
            if (wantsNone) return
            throw ScenarioFailure("expected an entity, got none")
        }
        if (wantsNone) throw ScenarioFailure("expected no entity, got session ${event.sessionId}")
        if (expect.has("session")) checkSession("session", label(expect, "session"), event.sessionId)
        if (expect.has("previousSession")) checkSession("previousSession", label(expect, "previousSession"), event.previousSessionId)
        if (expect.has("userId")) checkUser(expect.getString("userId"), event.userId)
        if (expect.has("firstEventId")) events.check("firstEventId", expect.getString("firstEventId"), event.firstEventId)
        compare(
            expect,
            "",
            mapOf(
                "sessionIndex" to event.sessionIndex.toLong(),
                "eventIndex" to event.eventIndex.toLong(),
                "firstEventAt" to event.firstEventTimestampMs - startMs,
                "appUserId" to event.appUserId,
                "isNewSession" to event.isNewSession,
                "newSessionReason" to reasonName(event.newSessionReason),
                "rudderSessionId" to event.rudderstackSessionId,
                "amplitudeSessionId" to event.amplitudeSessionId,
            ),
        )
    }

    private fun checkState(expect: JSONObject, state: SessionState) {
        if (expect.has("session")) checkSession("state session", label(expect, "session"), state.sessionId)
        if (expect.has("previousSession")) checkSession("state previousSession", label(expect, "previousSession"), state.previousSessionId)
        if (expect.has("userId")) checkUser(expect.getString("userId"), state.userId)
        compare(
            expect,
            "state ",
            mapOf(
                "sessionIndex" to state.sessionIndex?.toLong(),
                "eventIndex" to state.eventIndex?.toLong(),
                "isInBackground" to state.isInBackground,
                "foregroundIndex" to state.foregroundIndex.toLong(),
                "backgroundIndex" to state.backgroundIndex.toLong(),
                "appUserId" to state.appUserId,
            ),
        )
    }

    private fun compare(expect: JSONObject, prefix: String, actual: Map<String, Any?>) {
        for ((key, value) in actual) {
            if (!expect.has(key)) continue
            val wanted: Any? = when {
                expect.isNull(key) -> null
                value is Long -> expect.getLong(key)
                else -> expect.get(key)
            }
            if (wanted != value) throw ScenarioFailure("$prefix$key: expected $wanted, got $value")
        }
    }

    private fun label(expect: JSONObject, key: String): String? = if (expect.isNull(key)) null else expect.getString(key)

    private fun checkSession(what: String, label: String?, actual: String?) {
        if (label == null || actual == null) {
            if (label != actual) throw ScenarioFailure("$what: expected $label, got $actual")
            return
        }
        sessions.check(what, label, actual)
    }

    private fun checkUser(label: String, actual: String) {
        if (label == "anonymous" || actual == NIL_UUID) {
            if ((label == "anonymous") != (actual == NIL_UUID)) throw ScenarioFailure("userId: expected $label, got $actual")
            return
        }
        users.check("userId", label, actual)
    }

    /** Rule 12: the Snowplow JSON says what the record says. */
    private fun checkConsistency(event: SessionEvent) {
        val entity = JSONObject(event.snowplowContextJson)
        val data = entity.getJSONObject("data")
        val fields = mapOf(
            "userId" to event.userId,
            "sessionId" to event.sessionId,
            "sessionIndex" to event.sessionIndex,
            "previousSessionId" to event.previousSessionId,
            "storageMechanism" to "SQLITE",
            "firstEventId" to event.firstEventId,
            "eventIndex" to event.eventIndex,
        )
        val consistent = entity.getString("schema") == SCHEMA &&
            fields.all { (key, value) -> (if (data.isNull(key)) null else data.get(key)) == value } &&
            TIMESTAMP.matches(data.getString("firstEventTimestamp"))
        if (!consistent) throw ScenarioFailure("entity JSON $entity disagrees with the record $event")
    }

    private class ManualClock : Clock {
        @Volatile var nowMs = 0L
        override fun nowMs() = nowMs
    }

    private class Labels {
        private val byLabel = HashMap<String, String>()
        private val byValue = HashMap<String, String>()

        fun check(what: String, label: String, actual: String) {
            val bound = byLabel[label]
            when {
                bound == actual -> {}
                bound != null -> throw ScenarioFailure("$what: expected $label ($bound), got $actual")
                actual in byValue -> throw ScenarioFailure("$what: expected a new id for $label, got $actual, which is ${byValue[actual]}")
                else -> bind(label, actual)
            }
        }

        fun idFor(label: String): String = byLabel[label] ?: UUID.randomUUID().toString().also { bind(label, it) }

        private fun bind(label: String, value: String) {
            byLabel[label] = value
            byValue[value] = label
        }
    }

    companion object {
        const val NIL_UUID = "00000000-0000-0000-0000-000000000000"
        const val SCHEMA = "iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2"
        private val TIMESTAMP = Regex("""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z""")
        private val TOP_KEYS = setOf("name", "rules", "description", "config", "startMs", "steps")
        private val CONFIG_KEYS = setOf("foregroundTimeoutMs", "backgroundTimeoutMs", "continueSessionOnRestart", "maxSessionDurationMs", "anonymous")
        private val COMMON_KEYS = setOf("op", "namespace", "comment", "expect", "state", "expectError")
        private val EVENT_OPS = setOf("track", "background", "foreground")
        private val OP_FIELDS: Map<String, Pair<Set<String>, Set<String>>> = mapOf(
            "track" to (setOf("at") to setOf("eventId")),
            "background" to (setOf("at") to setOf("eventId")),
            "foreground" to (setOf("at") to setOf("eventId")),
            "restart" to (emptySet<String>() to setOf("config")),
            "startNewSession" to (emptySet<String>() to emptySet()),
            "pause" to (emptySet<String>() to emptySet()),
            "resume" to (emptySet<String>() to emptySet()),
            "setAnonymous" to (setOf("value") to emptySet()),
            "setAppUserId" to (setOf("value") to emptySet()),
            "startManualSession" to (setOf("at") to setOf("customId")),
            "endSession" to (emptySet<String>() to emptySet()),
            "check" to (emptySet<String>() to setOf("at")),
            "seedIndexes" to (setOf("sessionIndex", "eventIndex") to emptySet()),
        )
        private val EXPECT_KEYS = setOf(
            "entity", "session", "previousSession", "sessionIndex", "eventIndex", "firstEventId", "firstEventAt",
            "userId", "appUserId", "isNewSession", "newSessionReason", "rudderSessionId", "amplitudeSessionId",
        )
        private val STATE_KEYS = setOf(
            "session", "previousSession", "sessionIndex", "eventIndex", "isInBackground", "foregroundIndex",
            "backgroundIndex", "userId", "appUserId",
        )
        private val ERROR_KINDS = setOf("InvalidConfig", "InvalidArgument", "Storage", "Closed", "Internal")

        private fun unknown(json: JSONObject, known: Set<String>, where: String) {
            val extra = json.keySet() - known
            if (extra.isNotEmpty()) throw ScenarioFailure("$where: unknown keys ${extra.sorted()}")
        }

        fun merged(base: TrackerConfig, patch: JSONObject) = TrackerConfig(
            foregroundTimeoutMs = if (patch.has("foregroundTimeoutMs")) patch.getLong("foregroundTimeoutMs") else base.foregroundTimeoutMs,
            backgroundTimeoutMs = if (patch.has("backgroundTimeoutMs")) patch.getLong("backgroundTimeoutMs") else base.backgroundTimeoutMs,
            continueSessionOnRestart = if (patch.has("continueSessionOnRestart")) patch.getBoolean("continueSessionOnRestart") else base.continueSessionOnRestart,
            maxSessionDurationMs = when {
                !patch.has("maxSessionDurationMs") -> base.maxSessionDurationMs
                patch.isNull("maxSessionDurationMs") -> null
                else -> patch.getLong("maxSessionDurationMs")
            },
            anonymous = if (patch.has("anonymous")) patch.getBoolean("anonymous") else base.anonymous,
        )

        /** NewSessionReason.FIRST_SESSION -> "firstSession", as scenarios spell it. */
        fun reasonName(reason: NewSessionReason?): String? = reason?.name?.lowercase()?.split('_')
            ?.let { parts -> parts.first() + parts.drop(1).joinToString("") { it.replaceFirstChar(Char::uppercase) } }

        fun scenarioFiles(): List<File> {
            val dirs = listOfNotNull(
                System.getProperty("sessioncore.scenarios"),
                System.getenv("SESSIONCORE_SCENARIOS")?.takeIf { it.isNotEmpty() },
            )
            return dirs.flatMap { dir -> File(dir).listFiles { f -> f.extension == "json" }.orEmpty().toList() }
                .sortedBy { it.path }
        }
    }
}

