package dev.sessioncore

import dev.sessioncore.ffi.SessionCoreException as FfiException

/** Every sessioncore failure, one subclass per error kind (the same kinds in every language). */
sealed class SessionCoreException(message: String, cause: Throwable?) : Exception(message, cause) {
    /** A configuration value is unusable; [field] names it (e.g. `foregroundTimeoutMs`). */
    class InvalidConfig(val field: String, val detail: String, cause: Throwable? = null) :
        SessionCoreException("invalid config `$field`: $detail", cause)

    /** A call argument is unusable; [argument] names it (e.g. `customId`). */
    class InvalidArgument(val argument: String, val detail: String, cause: Throwable? = null) :
        SessionCoreException("invalid argument `$argument`: $detail", cause)

    /** SQLite could not read or write; nothing committed was lost. */
    class Storage(val detail: String, cause: Throwable? = null) : SessionCoreException("storage error: $detail", cause)

    /** The tracker was closed. */
    class Closed(val detail: String, cause: Throwable? = null) : SessionCoreException("closed: $detail", cause)

    /** A bug in sessioncore (a caught panic, or an unexpected failure of the binding); state is unchanged. */
    class Internal(val detail: String, cause: Throwable? = null) : SessionCoreException("internal error: $detail", cause)
}

/** Runs one FFI call, turning the generated errors into [SessionCoreException]s. */
internal inline fun <T> translatingErrors(call: () -> T): T = try {
    call()
} catch (e: FfiException) {
    throw when (e) {
        is FfiException.InvalidConfig -> SessionCoreException.InvalidConfig(e.field, e.detail, e)
        is FfiException.InvalidArgument -> SessionCoreException.InvalidArgument(e.argument, e.detail, e)
        is FfiException.Storage -> SessionCoreException.Storage(e.detail, e)
        is FfiException.Closed -> SessionCoreException.Closed(e.detail, e)
        is FfiException.Internal -> SessionCoreException.Internal(e.detail, e)
    }
} catch (e: dev.sessioncore.ffi.InternalException) {
    throw SessionCoreException.Internal(e.message ?: "unexpected failure in the binding", e)
} catch (e: LinkageError) {
    // A missing or mismatched native library (JNA's UnsatisfiedLinkError) is
    // the app's packaging, not its input: typed, never an Error thrown at it.
    throw SessionCoreException.Internal("the native library could not be used: $e", e)
}
