#!/usr/bin/env bash
# Kotlin/JVM: builds the native library, generates the Kotlin bindings and
# runs the JUnit suite with Maven (every scenario as its own test, plus the
# API tests). Maven downloads go to $SESSIONCORE_CACHE/maven.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
need java "install a JDK 17 or newer (Debian: openjdk-17-jdk-headless)"
need mvn "install Maven 3.8 or newer (Debian: maven)"

lib="$(build_host_library)"
build_checker
"$SESSIONCORE_ROOT/scripts/gen-bindings.sh" kotlin

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
(cd "$SESSIONCORE_ROOT/bindings-kotlin" &&
    mvn -B -ntp -Dstyle.color=never -Dmaven.repo.local="$SESSIONCORE_CACHE/maven" \
        -Dsessioncore.libdir="$(dirname "$lib")" test) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# Surefire's closing "Tests run: N, Failures: F, Errors: E, Skipped: S".
totals="$(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log" | tail -1)"
read -r run failures errors skipped < <(sed -E 's/.*Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+).*/\1 \2 \3 \4/' <<<"${totals:-Tests run: 0, Failures: 0, Errors: 0, Skipped: 0}")
failed=$((failures + errors))
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
summarize kotlin $((run - failed - skipped)) "$failed" "$skipped" "see the surefire report"
[[ $status -eq 0 ]]
