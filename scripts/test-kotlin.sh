#!/usr/bin/env bash
# Kotlin/JVM: builds the native library, generates the Kotlin bindings and
# runs the JUnit suite with Maven (every scenario as its own test, the API
# tests, the threads x processes test), then the Android glue's tests under
# Robolectric in their own JVM. Maven downloads go to $SESSIONCORE_CACHE/maven.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
source "$(dirname "$0")/lib/android-classes.sh"
need java "install a JDK 17 or newer (Debian: openjdk-17-jdk-headless)"
need mvn "install Maven 3.8 or newer (Debian: maven)"

lib="$(build_host_library)"
build_checker
"$SESSIONCORE_ROOT/scripts/gen-bindings.sh" kotlin
android_classes_ensure

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
(cd "$SESSIONCORE_ROOT/bindings-kotlin" &&
    mvn -B -ntp -Dstyle.color=never -Dmaven.repo.local="$SESSIONCORE_CACHE/maven" \
        -Dsessioncore.libdir="$(dirname "$lib")" test) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# Surefire's closing "Tests run: N, Failures: F, Errors: E, Skipped: S", one per execution: summed.
read -r run failures errors skipped < <(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log" |
    sed -E 's/.*Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+).*/\1 \2 \3 \4/' |
    awk '{r += $1; f += $2; e += $3; s += $4} END {print r + 0, f + 0, e + 0, s + 0}')
failed=$((failures + errors))
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
summarize kotlin $((run - failed - skipped)) "$failed" "$skipped" "see the surefire report"
[[ $status -eq 0 ]]
