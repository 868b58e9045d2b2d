package dev.sessioncore

import com.sun.jna.NativeLibrary
import com.sun.jna.Platform
import dev.sessioncore.ffi.FfiConverter
import dev.sessioncore.ffi.FfiConverterTypeSessionCoreError
import dev.sessioncore.ffi.UniffiLib
import dev.sessioncore.ffi.SessionTracker as FfiSessionTracker
import java.nio.Buffer
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
    /** The native entries this object binds (core/src/jvm_fast_path.rs); all must be exported. */
    private val ENTRIES = listOf("nativeAdopt", "nativeRelease", "track", "background", "foreground", "get")
        .map { "Java_dev_sessioncore_JvmFastPath_$it" }

    private val log = Logger.getLogger("dev.sessioncore")

    /**
     * Null while the fast path is on, else why it is off and every tracker
     * takes the generated (JNA) path. Set up never throws: a library that
     * cannot be loaded for JNI or lacks an entry (an older or mismatched
     * build) turns the fast path off with one log line.
     */
    @Volatile
    var unavailableBecause: String? = when {
        System.getProperty("dev.sessioncore.jvmFastPath") == "false" -> "turned off by -Ddev.sessioncore.jvmFastPath=false"
        else -> try {
            loadIntoJvm()
        } catch (e: LinkageError) {
            "the native library could not be loaded for JNI: $e"
        } catch (e: RuntimeException) {
            "the native library could not be loaded for JNI: $e"
        }
    }.also { reason -> if (reason != null) log.warning("sessioncore JVM fast path off: $reason") }
        private set

    /** Turns the fast path off for trackers opened from now on, logging why once. */
    @Synchronized
    private fun turnOff(reason: String) {
        if (unavailableBecause != null) return
        unavailableBecause = reason
        log.warning("sessioncore JVM fast path off: $reason")
    }

    /**
     * Loads the very file JNA loaded (or, before any tracker, would load), so
     * that both see one copy of the library; on Android the app's
     * `libsessioncore.so`, which JNA opens by the same name. Returns why the
     * fast path cannot be used, or null when every entry is there.
     */
    private fun loadIntoJvm(): String? {
        val name = System.getProperty("uniffi.component.sessioncore.libraryOverride") ?: "sessioncore"
        val library = NativeLibrary.getInstance(name)
        if (Platform.isAndroid()) {
            System.loadLibrary(name)
        } else {
            val file = library.file ?: return "JNA did not say which file it loaded for '$name'"
            System.load(file.absolutePath)
        }
        // The JVM binds each native method at its first call: look every entry
        // up now, so that a library without them never reaches a tracker.
        val missing = ENTRIES.filter { entry ->
            try {
                library.getFunction(entry)
                false
            } catch (e: UnsatisfiedLinkError) {
                true
            }
        }
        return if (missing.isEmpty()) null else "the native library does not export ${missing.joinToString()}"
    }

    /**
     * Adopts a handle of [tracker]; the returned id is released by the
     * returned cleanable. Null (use the generated path) when the fast path is
     * off or refuses the tracker.
     */
    fun adopt(owner: Any, tracker: FfiSessionTracker): Adoption? {
        if (unavailableBecause != null) return null
        val id = try {
            nativeAdopt(tracker.uniffiCloneHandle())
        } catch (e: UnsatisfiedLinkError) {
            turnOff("the JVM could not bind nativeAdopt: $e")
            return null
        }
        if (id == 0L) {
            turnOff("the native side refused a tracker handle")
            return null
        }
        return Adoption(id, UniffiLib.CLEANER.register(owner, Release(id)))
    }

    /**
     * Runs one native call. A native method the JVM cannot bind is a
     * [SessionCoreException.Internal] for this call (never an
     * [UnsatisfiedLinkError]) and turns the fast path off for new trackers.
     */
    private inline fun <T> native(entry: String, call: () -> T): T = try {
        call()
    } catch (e: UnsatisfiedLinkError) {
        turnOff("the JVM could not bind $entry: $e")
        throw SessionCoreException.Internal("the JNI fast path could not call $entry: $e", e)
    }

    class Adoption(val id: Long, private val cleanable: dev.sessioncore.ffi.UniffiCleaner.Cleanable) {
        fun release() = cleanable.clean()
    }

    // Must not capture the owner, or it would never become unreachable.
    // Runs on the cleaner's thread or in close(): a release that cannot be
    // bound only leaks the adopted reference, so it is logged, never thrown.
    private class Release(private val id: Long) : Runnable {
        override fun run() = try {
            nativeRelease(id)
        } catch (e: UnsatisfiedLinkError) {
            turnOff("the JVM could not bind nativeRelease: $e")
        }
    }

    /**
     * The bytes of results that fit, per thread: the native side writes a
     * call's result here (off the Java heap) instead of into a new `byte[]`.
     * Each thread reads its result before it makes another call.
     */
    private val results = object : ThreadLocal<ByteBuffer>() { // not withInitial: Android API 26+, the AAR's minimum is 21
        override fun initialValue(): ByteBuffer = ByteBuffer.allocateDirect(resultBufferBytes)
    }

    /** The size of each thread's result buffer; tests make it small to take the other way. */
    @Volatile
    internal var resultBufferBytes = 4096

    /**
     * Runs [call] with this thread's result buffer and reads the result:
     * in the buffer after its length, or, when longer than the buffer (a
     * long error message), in the array [call] returns. Status byte 0 and
     * the value, or 1 and the error.
     */
    inline fun <T> result(converter: FfiConverter<T, *>, call: (out: ByteBuffer) -> ByteArray?): T {
        val out = resultBuffer()
        val bytes = call(out)?.let(ByteBuffer::wrap) ?: inBuffer(out)
        if (bytes.get() == 0.toByte()) return converter.read(bytes)
        throw FfiConverterTypeSessionCoreError.read(bytes)
    }

    @PublishedApi
    internal fun resultBuffer(): ByteBuffer = results.get()

    /**
     * The result the native side left in [out], after its length. Through
     * [Buffer]: ByteBuffer's own overrides of these (Java 9) are missing
     * from older Android runtimes.
     */
    @PublishedApi
    internal fun inBuffer(out: ByteBuffer): ByteBuffer {
        val buffer: Buffer = out
        buffer.clear()
        buffer.limit(4 + out.getInt(0))
        buffer.position(4)
        return out
    }

    // The getters' numbers, as core/src/jvm_fast_path.rs names them.
    const val USER_ID = 0
    const val SESSION_ID = 1
    const val SESSION_INDEX = 2
    const val IS_IN_BACKGROUND = 3
    const val BACKGROUND_INDEX = 4
    const val FOREGROUND_INDEX = 5
    const val STATE = 6

    // The calls SessionTracker makes. Their JVM names differ from the native
    // methods', which the JNI entries' names fix.
    @JvmName("callTrack")
    fun track(id: Long, eventId: ByteArray?, at: ByteArray?, out: ByteBuffer): ByteArray? = native("track") { nativeTrack(id, eventId, at, out) }

    @JvmName("callBackground")
    fun background(id: Long, eventId: ByteArray?, at: ByteArray?, out: ByteBuffer): ByteArray? =
        native("background") { nativeBackground(id, eventId, at, out) }

    @JvmName("callForeground")
    fun foreground(id: Long, eventId: ByteArray?, at: ByteArray?, out: ByteBuffer): ByteArray? =
        native("foreground") { nativeForeground(id, eventId, at, out) }

    @JvmName("callGet")
    fun get(id: Long, getter: Int, out: ByteBuffer): ByteArray? = native("get") { nativeGet(id, getter, out) }

    // The JVM binds these by class and method name to the
    // Java_dev_sessioncore_JvmFastPath_* entries: R8 must keep both names
    // (bindings-kotlin/android/consumer-rules.pro).
    @JvmStatic private external fun nativeAdopt(handle: Long): Long

    @JvmStatic private external fun nativeRelease(id: Long)

    @JvmStatic @JvmName("track") private external fun nativeTrack(id: Long, eventId: ByteArray?, at: ByteArray?, out: ByteBuffer): ByteArray?

    @JvmStatic @JvmName("background") private external fun nativeBackground(id: Long, eventId: ByteArray?, at: ByteArray?, out: ByteBuffer): ByteArray?

    @JvmStatic @JvmName("foreground") private external fun nativeForeground(id: Long, eventId: ByteArray?, at: ByteArray?, out: ByteBuffer): ByteArray?

    @JvmStatic @JvmName("get") private external fun nativeGet(id: Long, getter: Int, out: ByteBuffer): ByteArray?
}
