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
 * through the wrapper (its JNI fast path) and the same calls through the
 * generated uniffi + JNA class (the baseline the fast path replaces), on a
 * tmpfs database so that no fsync hides the binding's own cost.
 * Compare with the Rust rows of the same names (`tmpfs/*` in
 * `cargo bench -p sessioncore --bench tracking`).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PerCallBenchmark {
    private Path directory;
    private SessionTracker tracker;
    private dev.sessioncore.ffi.SessionTracker generated;

    @Setup(Level.Trial)
    public void open() throws Exception {
        Path base = new File("/dev/shm").isDirectory() ? Paths.get("/dev/shm") : Paths.get(System.getProperty("java.io.tmpdir"));
        directory = Files.createTempDirectory(base, "sessioncore-jmh-");
        tracker = SessionTracker.open(directory.resolve("sessions.db").toString(), "default", new TrackerConfig());
        tracker.track(null);
        if (!tracker.getUsesJvmFastPath()) throw new IllegalStateException("the JNI fast path is off");
        generated = dev.sessioncore.ffi.SessionTracker.Companion.open(directory.resolve("generated.db").toString(), "default", new TrackerConfig());
        generated.track(null, null);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        tracker.close();
        generated.closeStorage();
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
    public Object getterSessionIndex() {
        return tracker.getSessionIndex();
    }

    @Benchmark
    public Object getterSessionIndexGeneratedJna() throws Exception {
        return generated.sessionIndex();
    }
}
