package dev.sessioncore.bench;

/**
 * The Rust calls under the Kotlin rows, made from this JVM over one bare
 * JNI crossing each (core/src/jvm_bench.rs, in the library built with the
 * `jvm-bench` feature). The JVM binds these to the library the wrapper's
 * fast path loaded: open a Kotlin tracker first.
 */
final class RustBaseline {
    private RustBaseline() {}

    /** A tracker for {@code path} (UTF-8) in the default namespace; 0 when it cannot be opened. */
    static native long open(byte[] path);

    /** {@code track()}, its result dropped in Rust; false when it failed. */
    static native boolean track(long tracker);

    /** The session index, -1 for none or a failure. */
    static native int sessionIndex(long tracker);

    /** A crossing and nothing else. */
    static native void nothing();

    static native void close(long tracker);
}
