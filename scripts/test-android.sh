#!/usr/bin/env bash
# The Android packaging, tested on this machine: builds the AAR in --host
# mode, checks its layout (16 KB-aligned libraries, the licence and notices in
# classes.jar), and replays scenarios on the JVM with the classes unpacked
# from the AAR and its native library. (The NDK build itself needs an NDK:
# scripts/build-android.sh without --host. The AAR as apps consume it, from
# a Maven repository and shrunk by R8: scripts/test-packaging.sh.)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
cd "$SESSIONCORE_ROOT"
version="$(sed -nE 's/^version = "(.*)"/\1/p' Cargo.toml | head -1)"
scripts/build-android.sh --host
build_checker
aar="target/android/sessioncore-$version.aar"
unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$aar" "$unpacked"

passed=0 failed=0
for entry in classes.jar AndroidManifest.xml proguard.txt R.txt jni/host/libsessioncore.so; do
    check "the AAR has $entry" "[[ -f '$unpacked/$entry' ]]"
done
classes="$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$unpacked/classes.jar")"
for class in dev/sessioncore/SessionTracker.class dev/sessioncore/ffi/SessionTracker.class \
    dev/sessioncore/android/SessionLifecycleObserver.class \
    META-INF/sessioncore/LICENSE META-INF/sessioncore/THIRD-PARTY-NOTICES.txt; do
    check "classes.jar has $class" "grep -qx '$class' <<<\"\$classes\""
done
for library in "$unpacked"/jni/*/libsessioncore.so; do
    check "$library is stripped" "! readelf -S '$library' | grep '\.symtab' >/dev/null"
    check "$library has 16 KB-aligned LOAD segments" "aligned_to_16k_pages '$library'"
done
check "the AAR's proguard.txt is bindings-kotlin/android/consumer-rules.pro" \
    "cmp '$unpacked/proguard.txt' bindings-kotlin/android/consumer-rules.pro"
check "the library exports the JNI fast path" \
    "nm -D --defined-only '$unpacked/jni/host/libsessioncore.so' | grep ' Java_dev_sessioncore_JvmFastPath_track$' >/dev/null"

# The packaged classes on the JVM, against the packaged library.
(cd bindings-kotlin && mvn -B -q -ntp -Dstyle.color=never -Dmaven.repo.local="$SESSIONCORE_CACHE/maven" test-compile \
    dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test)
scenarios=(first-event-starts-session killed-in-background-relaunched-later manual-session-with-custom-id
    namespaces-are-independent invalid-config-is-refused)
if java -Djna.library.path="$unpacked/jni/host" \
    -cp "$unpacked/classes.jar:bindings-kotlin/target/test-classes:$(cat bindings-kotlin/target/test-classpath.txt)" \
    dev.sessioncore.AarReplayKt $(printf "tests/scenarios/%s.json " "${scenarios[@]}"); then
    passed=$((passed + 1))
else
    echo "FAIL scenarios replayed from the AAR's classes"
    failed=$((failed + 1))
fi
summarize android "$passed" "$failed"
[[ $failed -eq 0 ]]
