package dev.sessioncore.android

import android.app.Application
import dev.sessioncore.ClockReading
import dev.sessioncore.EndedSession
import dev.sessioncore.ImportedState
import dev.sessioncore.NewSessionReason
import dev.sessioncore.SessionTracker
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config

/**
 * The Snowplow importer against what the Snowplow Android tracker really
 * stores ([SnowplowStorage]), under Robolectric (API 34) with real
 * SharedPreferences files, into a real tracker on a temp file. Every import
 * is checked to leave Snowplow's files exactly as they were.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], manifest = Config.NONE)
class SnowplowImportTest {
    @get:Rule
    val folder = TemporaryFolder()

    private val app: Application get() = RuntimeEnvironment.getApplication()
    private lateinit var tracker: SessionTracker

    @Before
    fun openTracker() {
        tracker = SessionTracker.open(folder.root.resolve("sessions.db").path)
    }

    @After
    fun closeTracker() {
        tracker.close()
    }

    @Test
    fun theSessionIsTakenOverAndContinuesWithinTheTimeout() {
        storeSnowplowSession()
        assertEquals(ImportResult.Imported(SESSION_VARS, IMPORTED), importSnowplow())
        assertEquals(USER, tracker.userId)
        assertEquals(SESSION, tracker.sessionId)
        assertEquals(7, tracker.sessionIndex)
        tracker.state.let {
            assertEquals(PREVIOUS, it.previousSessionId)
            assertEquals(1, it.eventIndex)
            assertEquals(FIRST_EVENT, it.firstEventId)
            assertEquals(T0, it.firstEventTimestampMs)
            assertEquals(T0, it.sessionStartMs)
        }

        val next = tracker.track(at = ClockReading(T0 + TIMEOUT_MS))!! // a gap equal to the timeout keeps the session
        assertEquals(listOf(false, SESSION, 7, 2, PREVIOUS, USER), listOf(next.isNewSession, next.sessionId, next.sessionIndex, next.eventIndex, next.previousSessionId, next.userId))
        assertEquals(listOf(FIRST_EVENT, T0, T0), listOf(next.firstEventId, next.firstEventTimestampMs, next.amplitudeSessionId))
    }

    @Test
    fun afterTheTimeoutTheNextSessionFollowsTheImportedOne() {
        storeSnowplowSession()
        importSnowplow()
        val next = tracker.track(at = ClockReading(T0 + TIMEOUT_MS + 1))!!
        assertEquals(NewSessionReason.FOREGROUND_TIMEOUT, next.newSessionReason)
        assertEquals(listOf(true, 8, 1, SESSION, USER), listOf(next.isNewSession, next.sessionIndex, next.eventIndex, next.previousSessionId, next.userId))
        assertNotEquals(SESSION, next.sessionId)
        assertEquals(EndedSession(SESSION, 7, 1, T0, T0), next.endedSession)
    }

    @Test
    fun aSecondRunChangesNothingAndSaysSo() {
        storeSnowplowSession()
        importSnowplow()
        assertEquals(ImportResult.Skipped(SESSION_VARS, IMPORTED), importSnowplow())
        val event = tracker.track(at = ClockReading(T0 + 1))!!
        assertEquals(ImportResult.Skipped(SESSION_VARS, IMPORTED), importSnowplow())
        assertEquals(listOf(SESSION, 2), listOf(tracker.sessionId, tracker.state.eventIndex))
        assertEquals(SESSION, event.sessionId)
    }

    @Test
    fun aNamespaceWithSessionsIsNeverImportedInto() {
        val own = tracker.track()!!
        storeSnowplowSession()
        assertEquals(ImportResult.Skipped(SESSION_VARS, IMPORTED), importSnowplow())
        assertEquals(listOf(own.userId, own.sessionId), listOf(tracker.userId, tracker.sessionId))
    }

    @Test
    fun theNamespacesOwnFileComesFirstAndItsNameIsSanitisedAsSnowplowDoes() {
        val file = "snowplow_session_vars_app-tracker-v2"
        storeSnowplowSession(file)
        storeSnowplowSession(UNNAMESPACED, SnowplowStorage.sessionValues(OTHER_SESSION, 3, null, USER, FIRST_EVENT, T0))
        assertEquals(ImportResult.Imported(file, IMPORTED), importSnowplow("app tracker.v2"))
    }

    @Test
    fun aTrackerWithoutNamespaceKeptItsSessionInTheUnsuffixedFile() {
        storeSnowplowSession(UNNAMESPACED)
        assertEquals(ImportResult.Imported(UNNAMESPACED, IMPORTED), importSnowplow(namespace = null))
    }

    @Test
    fun aNamespacedTrackerFallsBackToTheUnsuffixedFile() {
        storeSnowplowSession(UNNAMESPACED)
        assertEquals(ImportResult.Imported(UNNAMESPACED, IMPORTED), importSnowplow())
    }

    @Test
    fun withoutAnInstallationUserIdTheSessionsUserIdIsTaken() {
        storeSnowplowSession(installationUserId = null)
        assertEquals(ImportResult.Imported(SESSION_VARS, IMPORTED), importSnowplow())
        assertEquals(USER, tracker.userId)
    }

    @Test
    fun theInstallationUserIdWinsOverTheSessionsAsInSnowplow() {
        storeSnowplowSession(values = sessionValues().apply { put("userId", OTHER_USER) })
        assertEquals(ImportResult.Imported(SESSION_VARS, IMPORTED), importSnowplow())
        assertEquals(USER, tracker.userId)
    }

    @Test
    fun nothingStoredIsSaidWithWhereItWasLookedFor() {
        SnowplowStorage.storeInstallationUserId(app, USER) // a tracker that never had a session
        assertEquals(ImportResult.NothingStored(listOf(SESSION_VARS, UNNAMESPACED)), importSnowplow())
        assertEquals(ImportResult.NothingStored(listOf(UNNAMESPACED)), importSnowplow(namespace = ""))
        assertEquals(null, tracker.sessionId)
    }

    @Test
    fun unusableValuesAreRefusedNamingTheStoredFieldAndNothingChanges() {
        val state = "$SESSION_VARS/session_state"
        val cases = listOf(
            Refusal("{\"sessionId\":", state, "must be a JSON object"),
            Refusal("[]", state, "must be a JSON object"),
            Refusal(7, state, "must be a string"),
            Refusal(stateWith("sessionIndex", "7"), "$state.sessionIndex", "must be an integer"),
            Refusal(stateWith("sessionIndex", 7.5), "$state.sessionIndex", "must be an integer"),
            Refusal(stateWith("sessionIndex", 0), "$state.sessionIndex", "0 is outside 1..=2147483647"),
            Refusal(stateWith("sessionId", "not-a-uuid"), "$state.sessionId", "`not-a-uuid` is not a UUID"),
            Refusal(stateWith("previousSessionId", 5), "$state.previousSessionId", "must be a string or null"),
            Refusal(stateWith("firstEventId", null), "$state.firstEventId", "must be a string"),
            Refusal(
                stateWith("firstEventTimestamp", "2025-11-24 16:00"),
                "$state.firstEventTimestamp",
                "must be yyyy-MM-dd'T'HH:mm:ss.SSS'Z', got '2025-11-24 16:00'",
            ),
            Refusal(
                stateWith("firstEventTimestamp", "1969-12-31T23:59:59.999Z"),
                "$state.firstEventTimestamp",
                "-1 is outside 0..=253402300799999 epoch milliseconds",
            ),
            Refusal(SnowplowStorage.sessionState(sessionValues()), "snowplow_general_vars/SPInstallationUserId", "`device-1` is not a UUID", "device-1"),
        )
        for (case in cases) {
            SnowplowStorage.clear(app, SESSION_VARS)
            SnowplowStorage.clear(app, SnowplowStorage.GENERAL_VARS)
            SnowplowStorage.storeSessionState(app, SESSION_VARS, case.sessionState)
            SnowplowStorage.storeInstallationUserId(app, case.installationUserId)
            val error = (importSnowplow() as ImportResult.Unusable).error
            assertEquals(case.toString(), listOf(case.argument, case.detail), listOf(error.argument, error.detail))
            assertEquals(case.toString(), null, tracker.sessionId)
            assertNotEquals(case.toString(), USER, tracker.userId)
        }
    }

    /** Stored values the import refuses: `session_state` (a string or another SharedPreferences type) and the installation user id. */
    private data class Refusal(val sessionState: Any, val argument: String, val detail: String, val installationUserId: String = USER)

    private fun sessionValues() = SnowplowStorage.sessionValues(SESSION, 7, PREVIOUS, USER, FIRST_EVENT, T0)

    /** Snowplow's `session_state` with [key] set to [value], or without it for null. */
    private fun stateWith(key: String, value: Any?): String =
        SnowplowStorage.sessionState(sessionValues().apply { if (value == null) remove(key) else put(key, value) })

    private fun storeSnowplowSession(file: String = SESSION_VARS, values: Map<String, Any?> = sessionValues(), installationUserId: String? = USER) {
        installationUserId?.let { SnowplowStorage.storeInstallationUserId(app, it) }
        SnowplowStorage.storeSessionState(app, file, SnowplowStorage.sessionState(values))
    }

    /** Runs the import and checks that it left every SharedPreferences file as it was. */
    private fun importSnowplow(namespace: String? = NAMESPACE): ImportResult {
        val before = SnowplowStorage.files(app)
        val result = SnowplowImport.run(app, tracker, namespace)
        assertEquals(before, SnowplowStorage.files(app))
        return result
    }

    private companion object {
        const val NAMESPACE = "appTracker"
        const val SESSION_VARS = "snowplow_session_vars_appTracker"
        const val UNNAMESPACED = "snowplow_session_vars"
        const val USER = "8a3c2f0e-9b1d-4e6a-8c7f-1d2e3f4a5b6c"
        const val OTHER_USER = "0f1e2d3c-4b5a-4697-8877-665544332211"
        const val SESSION = "b7e4c1d2-3a5f-4e6b-9c8d-7f6e5d4c3b2a"
        const val OTHER_SESSION = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"
        const val PREVIOUS = "e2f3a4b5-c6d7-4e8f-9a0b-1c2d3e4f5a6b"
        const val FIRST_EVENT = "f3a4b5c6-d7e8-4f9a-8b0c-2d3e4f5a6b7c"

        /** The session's first event, with milliseconds, as Snowplow records them. */
        const val T0 = 1_764_000_000_123L

        /** The default foreground timeout. */
        const val TIMEOUT_MS = 1_800_000L

        /** What the import takes from the stored state: the first event is the last activity it proves. */
        val IMPORTED = ImportedState(USER, SESSION, 7, PREVIOUS, 1, T0, FIRST_EVENT, T0)
    }
}
