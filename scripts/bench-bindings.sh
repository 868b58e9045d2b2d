#!/usr/bin/env bash
# Per-call cost of `track` and of a trivial getter through each binding, next
# to the same call from Rust, all on a tmpfs database (no fsync) in one run.
# Rust: criterion (the `tmpfs` group); Kotlin: JMH, with the Rust calls also
# made from a JVM as its own baseline; Swift and Python: their own
# median-of-rounds harnesses. Prints one Markdown table.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/swift-toolchain.sh"
cd "$SESSIONCORE_ROOT"
lib="$(build_host_library)"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

echo "== Rust (criterion)" >&2
cargo bench -p sessioncore --bench tracking -- tmpfs >&2
python3 - "$results/rust.json" <<'PY'
import json, sys
from pathlib import Path
out = {}
# Every binding's `track()` leaves the time to the core, which reads the
# clocks under the lock: Rust's row for it is `track_reading_the_clocks`.
for name, row in (("track", "track_reading_the_clocks"), ("getter_session_index", "getter_session_index")):
    data = json.loads(Path(f"target/criterion/tmpfs/{row}/new/estimates.json").read_text())
    out[name] = {"median_ns": data["median"]["point_estimate"], "mad_ns": data["median_abs_dev"]["point_estimate"]}
Path(sys.argv[1]).write_text(json.dumps(out))
PY

echo "== Python" >&2
scripts/gen-bindings.sh python
python3 bindings-python/bench/per_call.py >"$results/python.json"

echo "== Swift" >&2
scripts/gen-bindings.sh swift
swift_toolchain_ensure
SWIFT_RUN_ENV="SESSIONCORE_LIB_DIR=$(dirname "$lib")" swift_run "$SESSIONCORE_ROOT/bindings-swift" \
    swift run -c release --scratch-path "$SESSIONCORE_ROOT/target/swift-build-release" SessionCoreBench \
    | tail -1 >"$results/swift.json"

echo "== Kotlin (JMH)" >&2
scripts/gen-bindings.sh kotlin
# The shipped build plus the baseline entries JMH calls Rust through
# (core/src/jvm_bench.rs): the Kotlin rows' own baseline, in their JVM.
cargo build --profile jvm-bench -p sessioncore --lib --features jvm-bench >&2
jvm_bench_lib_dir="$SESSIONCORE_ROOT/target/jvm-bench"
source scripts/lib/android-classes.sh
android_classes_ensure
(cd bindings-kotlin &&
    mvn -B -q -ntp -Dstyle.color=never -Dmaven.repo.local="$SESSIONCORE_CACHE/maven" -Pjmh -DskipTests test-compile \
        dependency:build-classpath -Dmdep.outputFile=target/jmh/classpath.txt -Dmdep.includeScope=test >&2 &&
    java -Djna.library.path="$jvm_bench_lib_dir" \
        -cp "target/jmh/classes:target/jmh/test-classes:$(cat target/jmh/classpath.txt)" \
        org.openjdk.jmh.Main PerCallBenchmark -rf json -rff "$results/jmh.json" >&2)
python3 - "$results/jmh.json" "$results/kotlin.json" <<'PY'
import json, sys
from pathlib import Path
names = {"track": "track", "trackGeneratedJna": "track_generated_jna", "trackRustBaseline": "track_rust_baseline",
         "getterSessionIndex": "getter_session_index", "getterSessionIndexGeneratedJna": "getter_session_index_generated_jna",
         "getterSessionIndexRustBaseline": "getter_session_index_rust_baseline", "jniCrossing": "jni_crossing"}
out = {}
for entry in json.loads(Path(sys.argv[1]).read_text()):
    name = names[entry["benchmark"].rsplit(".", 1)[1]]
    # SampleTime in µs; JMH reports no quartiles, so take them from the raw
    # histogram: the median, and half the interquartile range as spread.
    samples = sorted((value, count) for fork in entry["primaryMetric"]["rawDataHistogram"]
                     for iteration in fork for value, count in iteration)
    total = sum(count for _, count in samples)
    def quantile(q):
        seen = 0
        for value, count in samples:
            seen += count
            if seen >= q * total:
                return value
    out[name] = {"median_ns": quantile(0.5) * 1000, "mad_ns": (quantile(0.75) - quantile(0.25)) * 500}
Path(sys.argv[2]).write_text(json.dumps(out))
PY

python3 - "$results" <<'PY'
import json, sys
from pathlib import Path
results = Path(sys.argv[1])
rust = json.loads((results / "rust.json").read_text())
def fmt(ns): return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"
# Two baselines: criterion's rows, from a Rust process of their own, for
# every language; and, for Kotlin, the same Rust calls made from a JVM of
# JMH's over one bare JNI crossing, which share the JVM's threads, heap
# and caches with the Kotlin rows (criterion's process differs from a JVM
# by more than the wrapper's cost).
print("| call | language | median | spread | over Rust | over Rust from the same kind of JVM |")
print("|---|---|---:|---:|---:|---:|")
rows = [("track", "rust", "Rust"), ("track_rust_baseline", "kotlin", "Rust from a JVM, one bare JNI crossing (JMH)"),
        ("track", "kotlin", "Kotlin (JNI fast path)"),
        ("track_generated_jna", "kotlin", "Kotlin (generated uniffi + JNA)"), ("track", "swift", "Swift (fast path)"),
        ("track_generated", "swift", "Swift (generated uniffi)"),
        ("track", "python", "Python"), ("getter_session_index", "rust", "Rust"),
        ("getter_session_index_rust_baseline", "kotlin", "Rust from a JVM, one bare JNI crossing (JMH)"),
        ("getter_session_index", "kotlin", "Kotlin (JNI fast path)"),
        ("getter_session_index_generated_jna", "kotlin", "Kotlin (generated uniffi + JNA)"),
        ("getter_session_index", "swift", "Swift (fast path)"),
        ("getter_session_index_generated", "swift", "Swift (generated uniffi)"), ("getter_session_index", "python", "Python")]
for call, language, title in rows:
    rows_of_language = json.loads((results / f"{language}.json").read_text())
    row = rows_of_language[call]
    base = "track" if call.startswith("track") else "getter_session_index"
    over = "—" if language == "rust" else fmt(row["median_ns"] - rust[base]["median_ns"])
    jvm_baseline = rows_of_language.get(f"{base}_rust_baseline")
    over_jvm = "—" if jvm_baseline is None or call.endswith("_rust_baseline") else fmt(row["median_ns"] - jvm_baseline["median_ns"])
    print(f"| `{base}` | {title} | {fmt(row['median_ns'])} | ±{fmt(row['mad_ns'])} | {over} | {over_jvm} |")
crossing = json.loads((results / "kotlin.json").read_text())["jni_crossing"]
print(f"\nA bare JNI crossing (JMH `jniCrossing`, the baseline rows' share of it): {fmt(crossing['median_ns'])} ±{fmt(crossing['mad_ns'])}.")
PY
