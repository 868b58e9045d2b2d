package dev.sessioncore.bench;

import dev.sessioncore.SessionTracker;
import dev.sessioncore.ffi.TrackerConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call cost of the Kotlin/JVM binding: `track` and a trivial getter
 * through the wrapper (its JNI fast path), through the generated uniffi +
 * JNA class (what the fast path replaces), and straight into Rust over a
 * bare JNI crossing ({@link RustBaseline}: the wrapper's cost is the
 * difference), on a tmpfs database so that no fsync hides the binding's
 * own cost. The `tmpfs/*` rows of `cargo bench -p sessioncore --bench
 * tracking` are the same calls from a Rust process.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Three JVMs per benchmark: one JVM's median `track` can sit a quarter of
// a µs from another's, which is half the wrapper's cost this measures.
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(3)
public class PerCallBenchmark {
    private Path directory;
    private SessionTracker tracker;
    private dev.sessioncore.ffi.SessionTracker generated;
    private long baseline;

    @Setup(Level.Trial)
    public void open() throws Exception {
        Path base = new File("/dev/shm").isDirectory() ? Paths.get("/dev/shm") : Paths.get(System.getProperty("java.io.tmpdir"));
        directory = Files.createTempDirectory(base, "sessioncore-jmh-");
        tracker = SessionTracker.open(directory.resolve("sessions.db").toString(), "default", new TrackerConfig());
        tracker.track(null);
        if (!tracker.getUsesJvmFastPath()) throw new IllegalStateException("the JNI fast path is off");
        generated = dev.sessioncore.ffi.SessionTracker.Companion.open(directory.resolve("generated.db").toString(), "default", new TrackerConfig());
        generated.track(null, null);
        baseline = RustBaseline.open(directory.resolve("baseline.db").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (baseline == 0 || !RustBaseline.track(baseline)) throw new IllegalStateException("the Rust baseline tracker did not open and track");
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        tracker.close();
        generated.closeStorage();
        RustBaseline.close(baseline);
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    @Benchmark
    public Object track() {
        return tracker.track(null);
    }

    @Benchmark
    public Object trackGeneratedJna() throws Exception {
        return generated.track(null, null);
    }

    @Benchmark
    public boolean trackRustBaseline() {
        return RustBaseline.track(baseline);
    }

    @Benchmark
    public Object getterSessionIndex() {
        return tracker.getSessionIndex();
    }

    @Benchmark
    public Object getterSessionIndexGeneratedJna() throws Exception {
        return generated.sessionIndex();
    }

    @Benchmark
    public int getterSessionIndexRustBaseline() {
        return RustBaseline.sessionIndex(baseline);
    }

    @Benchmark
    public void jniCrossing() {
        RustBaseline.nothing();
    }
}
