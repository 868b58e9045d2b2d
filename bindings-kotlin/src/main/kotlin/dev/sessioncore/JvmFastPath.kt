package dev.sessioncore

import com.sun.jna.NativeLibrary
import com.sun.jna.Platform
import dev.sessioncore.ffi.FfiConverter
import dev.sessioncore.ffi.FfiConverterTypeSessionCoreError
import dev.sessioncore.ffi.UniffiLib
import dev.sessioncore.ffi.SessionTracker as FfiSessionTracker
import java.nio.ByteBuffer
import java.util.logging.Logger

/**
 * The per-event calls (`track`, `background`, `foreground`) and the getters
 * over one JNI crossing each, instead of the several JNA crossings of the
 * generated code (core/src/jvm_fast_path.rs says why). They run the same Rust
 * methods and return the bytes uniffi writes, read here by the generated
 * converters, so the answers are the generated path's answers; the
 * conformance suite replays every scenario through both.
 */
internal object JvmFastPath {
    /** Null when the fast path is on, else why it is off (the JNA path is used). */
    val unavailableBecause: String? = when {
        System.getProperty("dev.sessioncore.jvmFastPath") == "false" -> "turned off by -Ddev.sessioncore.jvmFastPath=false"
        else -> try {
            loadIntoJvm()
            null
        } catch (e: UnsatisfiedLinkError) {
            "the native library could not be loaded for JNI: ${e.message}"
        }
    }.also { reason ->
        if (reason != null) Logger.getLogger("dev.sessioncore").warning("sessioncore JVM fast path off: $reason")
    }

    /**
     * Loads the very file JNA loaded (or, before any tracker, would load), so
     * that both see one copy of the library; on Android the app's
     * `libsessioncore.so`, which JNA opens by the same name.
     */
    private fun loadIntoJvm() {
        val name = System.getProperty("uniffi.component.sessioncore.libraryOverride") ?: "sessioncore"
        if (Platform.isAndroid()) {
            System.loadLibrary(name)
        } else {
            val file = NativeLibrary.getInstance(name).file
                ?: throw UnsatisfiedLinkError("JNA did not say which file it loaded for '$name'")
            System.load(file.absolutePath)
        }
    }

    /** Adopts a handle of [tracker]; the returned id is released by the returned cleanable. */
    fun adopt(owner: Any, tracker: FfiSessionTracker): Adoption? {
        if (unavailableBecause != null) return null
        val id = nativeAdopt(tracker.uniffiCloneHandle())
        check(id != 0L) { "the fast path refused a tracker handle" }
        return Adoption(id, UniffiLib.CLEANER.register(owner, Release(id)))
    }

    class Adoption(val id: Long, private val cleanable: dev.sessioncore.ffi.UniffiCleaner.Cleanable) {
        fun release() = cleanable.clean()
    }

    // Must not capture the owner, or it would never become unreachable.
    private class Release(private val id: Long) : Runnable {
        override fun run() = nativeRelease(id)
    }

    /** A call's result: status byte 0 and the value, or 1 and the error. */
    fun <T> decode(result: ByteArray, converter: FfiConverter<T, *>): T {
        val buffer = ByteBuffer.wrap(result, 1, result.size - 1)
        if (result[0] == 0.toByte()) return converter.read(buffer)
        throw FfiConverterTypeSessionCoreError.read(buffer)
    }

    // The getters' numbers, as core/src/jvm_fast_path.rs names them.
    const val USER_ID = 0
    const val SESSION_ID = 1
    const val SESSION_INDEX = 2
    const val IS_IN_BACKGROUND = 3
    const val BACKGROUND_INDEX = 4
    const val FOREGROUND_INDEX = 5
    const val STATE = 6

    @JvmStatic private external fun nativeAdopt(handle: Long): Long

    @JvmStatic private external fun nativeRelease(id: Long)

    @JvmStatic external fun track(id: Long, eventId: ByteArray?, at: ByteArray?): ByteArray

    @JvmStatic external fun background(id: Long, eventId: ByteArray?, at: ByteArray?): ByteArray

    @JvmStatic external fun foreground(id: Long, eventId: ByteArray?, at: ByteArray?): ByteArray

    @JvmStatic external fun get(id: Long, getter: Int): ByteArray
}
