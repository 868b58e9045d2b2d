package dev.sessioncore.android

import android.content.Context
import android.util.JsonReader
import android.util.JsonToken
import dev.sessioncore.ImportedState
import dev.sessioncore.SessionCoreException
import dev.sessioncore.SessionTracker
import java.io.IOException
import java.io.StringReader
import java.text.ParsePosition
import java.text.SimpleDateFormat
import java.util.Locale
import java.util.TimeZone

/**
 * Takes over the identity and the last session that the Snowplow Android
 * tracker (v3 and later) left in SharedPreferences, so that moving to
 * sessioncore neither makes every user new nor restarts their session
 * indexes (rule 21). Run it before the first event, on a background thread:
 * in [SessionTracker.openAsync]'s step. It only reads Snowplow's storage.
 *
 * Where Snowplow keeps them (snowplow/snowplow-android-tracker,
 * `core/session/Session.kt`, `core/constants/TrackerConstants.kt`,
 * `snowplow/tracker/SessionState.kt`):
 * - the install's user id: `snowplow_general_vars`, key `SPInstallationUserId`,
 *   which Snowplow prefers to the session's own `userId` (and so does this);
 * - the last session: key `session_state` of `snowplow_session_vars_<suffix>`
 *   (the namespace with each run of characters other than letters, digits and
 *   `_` replaced by `-`), else of `snowplow_session_vars` (a tracker without
 *   namespace): a JSON object with the strings `sessionId`, `userId`,
 *   `firstEventId`, `firstEventTimestamp` (`yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`,
 *   UTC), `storageMechanism` and `previousSessionId` (or none), and the
 *   integer `sessionIndex`.
 *
 * Snowplow stores neither the session's event index nor its last activity:
 * both live in memory only (by default a restart always starts a new Snowplow
 * session). The import takes what the stored state proves, the session's
 * first event: `eventIndex` 1 and `lastActivityMs` = `firstEventTimestamp`.
 * So the next event continues the session only if it comes within the
 * timeout of that first event (and so, the more, of the real last one), as
 * `eventIndex` 2, which may repeat an index Snowplow had sent in it; later,
 * it starts the next session, which links to the imported one and reports
 * its end with `eventCount` 1 and `endMs` = `startMs`, lower bounds.
 * `storageMechanism` says where Snowplow kept the session and is not taken.
 */
object SnowplowImport {
    private const val GENERAL_VARS = "snowplow_general_vars"
    private const val INSTALLATION_USER_ID = "SPInstallationUserId"
    private const val SESSION_VARS = "snowplow_session_vars"
    private const val SESSION_STATE = "session_state"

    /**
     * Imports into [tracker]'s namespace the session the Snowplow tracker
     * with [snowplowNamespace] (null or empty: none) stored. Unusable stored
     * values give [ImportResult.Unusable]; only the tracker's own failures
     * (storage, closed) throw their [SessionCoreException].
     */
    @JvmStatic
    fun run(context: Context, tracker: SessionTracker, snowplowNamespace: String?): ImportResult {
        val searched = sessionVarsFiles(snowplowNamespace)
        val (file, sessionState) = searched.firstNotNullOfOrNull { file ->
            context.getSharedPreferences(file, Context.MODE_PRIVATE).all[SESSION_STATE]?.let { file to it }
        } ?: return ImportResult.NothingStored(searched)
        val installationUserId = context.getSharedPreferences(GENERAL_VARS, Context.MODE_PRIVATE).all[INSTALLATION_USER_ID]
        val stored = StoredSession(file, sessionState, installationUserId)
        val state = try {
            stored.toImportedState()
        } catch (e: SessionCoreException.InvalidArgument) {
            return ImportResult.Unusable(e)
        }
        val imported = try {
            tracker.importState(state)
        } catch (e: SessionCoreException.InvalidArgument) {
            return ImportResult.Unusable(stored.renamed(e))
        }
        return if (imported) ImportResult.Imported(file, state) else ImportResult.Skipped(file, state)
    }

    /** Where Snowplow's Session keeps the session: the namespace's own file first. */
    private fun sessionVarsFiles(namespace: String?): List<String> =
        listOfNotNull(namespace?.takeIf { it.isNotEmpty() }?.let { SESSION_VARS + "_" + it.replace(Regex("[^a-zA-Z0-9_]+"), "-") }, SESSION_VARS)

    /** What Snowplow stored in [file], checked as its SessionState.build does; failures name the stored field. */
    private class StoredSession(file: String, private val sessionState: Any, private val installationUserId: Any?) {
        private val stateName = "$file/$SESSION_STATE"
        private val userIdName = if (installationUserId != null) "$GENERAL_VARS/$INSTALLATION_USER_ID" else "$stateName.userId"

        fun toImportedState(): ImportedState {
            val json = jsonObject(sessionState as? String ?: throw unusable(stateName, "must be a string"))
            val firstEventId = json.string("firstEventId")
            val firstEventMs = epochMs(json.string("firstEventTimestamp"))
            return ImportedState(
                userId = installationUserId?.let { it as? String ?: throw unusable(userIdName, "must be a string") } ?: json.string("userId"),
                sessionId = json.string("sessionId"),
                sessionIndex = json.integer("sessionIndex"),
                previousSessionId = json.optionalString("previousSessionId"),
                // Not stored: the first event is the last activity the state proves.
                eventIndex = 1,
                lastActivityMs = firstEventMs,
                firstEventId = firstEventId,
                firstEventMs = firstEventMs,
            )
        }

        /** The core's error about a field of the ImportedState (`state.sessionId`), naming the stored field it came from. */
        fun renamed(error: SessionCoreException.InvalidArgument): SessionCoreException.InvalidArgument {
            val stored = when (val field = error.argument.removePrefix("state.")) {
                "userId" -> userIdName
                "firstEventMs", "lastActivityMs" -> "$stateName.firstEventTimestamp"
                else -> "$stateName.$field"
            }
            return SessionCoreException.InvalidArgument(stored, error.detail, error)
        }

        /** The flat JSON object Snowplow writes: strings, numbers (kept as [NumberLiteral]s) and nulls by key. */
        private fun jsonObject(text: String): Map<String, Any?> = try {
            JsonReader(StringReader(text)).use { reader ->
                val values = mutableMapOf<String, Any?>()
                reader.beginObject()
                while (reader.hasNext()) {
                    val key = reader.nextName()
                    values[key] = when (reader.peek()) {
                        JsonToken.STRING -> reader.nextString()
                        JsonToken.NUMBER -> NumberLiteral(reader.nextString())
                        JsonToken.NULL -> null.also { reader.nextNull() }
                        else -> Unsupported.also { reader.skipValue() }
                    }
                }
                reader.endObject()
                if (reader.peek() != JsonToken.END_DOCUMENT) throw IOException("more after the object")
                values
            }
        } catch (e: IOException) { // malformed
            throw notAJsonObject(e)
        } catch (e: IllegalStateException) { // well-formed, but not an object
            throw notAJsonObject(e)
        }

        private fun notAJsonObject(e: Exception) = SessionCoreException.InvalidArgument(stateName, "must be a JSON object", e)

        private fun Map<String, Any?>.string(key: String): String = get(key) as? String ?: throw unusable("$stateName.$key", "must be a string")

        private fun Map<String, Any?>.optionalString(key: String): String? = when (val value = get(key)) {
            null, is String -> value as String?
            else -> throw unusable("$stateName.$key", "must be a string or null")
        }

        private fun Map<String, Any?>.integer(key: String): Long =
            (get(key) as? NumberLiteral)?.text?.toLongOrNull() ?: throw unusable("$stateName.$key", "must be an integer")

        private fun epochMs(timestamp: String): Long {
            val format = SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.US).apply {
                timeZone = TimeZone.getTimeZone("UTC")
                isLenient = false
            }
            val position = ParsePosition(0)
            val date = format.parse(timestamp, position)
            if (date == null || position.index != timestamp.length) {
                throw unusable("$stateName.firstEventTimestamp", "must be yyyy-MM-dd'T'HH:mm:ss.SSS'Z', got '$timestamp'")
            }
            return date.time
        }

        private fun unusable(field: String, detail: String) = SessionCoreException.InvalidArgument(field, detail)
    }

    /** A JSON number as written, so that `7` and `"7"` stay apart and `7.5` is no integer. */
    private class NumberLiteral(val text: String)

    /** A JSON value Snowplow's session state never holds (true, an object, an array). */
    private object Unsupported
}
