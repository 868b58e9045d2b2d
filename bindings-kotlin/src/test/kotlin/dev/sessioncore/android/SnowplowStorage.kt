package dev.sessioncore.android

import android.content.Context
import org.json.JSONObject
import java.io.File
import java.text.SimpleDateFormat
import java.util.Date
import java.util.Locale
import java.util.TimeZone

/**
 * What the Snowplow Android tracker stores, written as it writes it: through
 * the real SharedPreferences API, with its file names, keys and JSON. Taken
 * from snowplow/snowplow-android-tracker:
 * - `snowplow-tracker/src/main/java/com/snowplowanalytics/core/session/Session.kt`:
 *   `retrieveUserId` puts the install's user id into `snowplow_general_vars`
 *   with `commit()`; `storeSessionState` puts `JSONObject(state.sessionValues).toString()`
 *   under `session_state` into `snowplow_session_vars_<namespace>` (each run of
 *   characters other than `[a-zA-Z0-9_]` made `-`) with `apply()`;
 * - `.../core/constants/TrackerConstants.kt`: `SNOWPLOW_GENERAL_VARS`,
 *   `INSTALLATION_USER_ID` = `SPInstallationUserId`, `SNOWPLOW_SESSION_VARS`, `SESSION_STATE`;
 * - `.../snowplow/tracker/SessionState.kt` and `.../core/constants/Parameters.kt`:
 *   the session values and their keys;
 * - `.../core/utils/Util.kt` (`getDateTimeFromTimestamp`): `firstEventTimestamp`'s format.
 */
internal object SnowplowStorage {
    const val GENERAL_VARS = "snowplow_general_vars"

    /** The session values of Snowplow's SessionState, keyed as it keys them. */
    fun sessionValues(
        sessionId: String,
        sessionIndex: Int,
        previousSessionId: String?,
        userId: String,
        firstEventId: String,
        firstEventMs: Long,
    ): MutableMap<String, Any?> = hashMapOf(
        "firstEventId" to firstEventId,
        "firstEventTimestamp" to timestamp(firstEventMs),
        "sessionId" to sessionId,
        "previousSessionId" to previousSessionId,
        "sessionIndex" to sessionIndex,
        "userId" to userId,
        "storageMechanism" to "LOCAL_STORAGE",
    )

    /** `session_state` as Snowplow writes it (Android's JSONObject writes a null value as `null`). */
    fun sessionState(values: Map<String, Any?>): String = JSONObject(values.mapValues { it.value ?: JSONObject.NULL }).toString()

    fun timestamp(ms: Long): String =
        SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale("en")).apply { timeZone = TimeZone.getTimeZone("UTC") }.format(Date(ms))

    /** Stores [value] under [key] in the SharedPreferences [file] as its type says (Snowplow's are strings). */
    fun store(context: Context, file: String, key: String, value: Any) {
        val editor = context.getSharedPreferences(file, Context.MODE_PRIVATE).edit()
        when (value) {
            is String -> editor.putString(key, value)
            is Int -> editor.putInt(key, value)
            else -> error("no SharedPreferences type for $value")
        }
        check(editor.commit())
    }

    fun clear(context: Context, file: String) = check(context.getSharedPreferences(file, Context.MODE_PRIVATE).edit().clear().commit())

    fun storeInstallationUserId(context: Context, userId: Any) = store(context, GENERAL_VARS, "SPInstallationUserId", userId)

    fun storeSessionState(context: Context, file: String, sessionState: Any) = store(context, file, "session_state", sessionState)

    /** Every SharedPreferences file of the app, by name, as it is on disk. */
    fun files(context: Context): Map<String, String> =
        File(context.applicationInfo.dataDir, "shared_prefs").listFiles().orEmpty().associate { it.name to it.readText() }
}
