package dev.sessioncore.android

import dev.sessioncore.ImportedState
import dev.sessioncore.SessionCoreException

/**
 * What an import of another tracker's stored state did (rule 21). In every
 * case the other tracker's storage is only read, never changed or deleted.
 */
sealed class ImportResult {
    /** [state], read from [source], is now the install's user id and this namespace's current session. */
    data class Imported(val source: String, val state: ImportedState) : ImportResult()

    /**
     * [state], read from [source], was not taken over and nothing changed:
     * this namespace already has a session (an earlier import, or events
     * since), or another namespace of the file has another user's.
     */
    data class Skipped(val source: String, val state: ImportedState) : ImportResult()

    /** The other tracker left no session in any of the places [searched]. */
    data class NothingStored(val searched: List<String>) : ImportResult()

    /** A stored value is unusable; [error] names it (`file/key.field`) and says why. Nothing changed. */
    data class Unusable(val error: SessionCoreException.InvalidArgument) : ImportResult()
}
