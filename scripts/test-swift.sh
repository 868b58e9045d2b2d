#!/usr/bin/env bash
# Swift: builds the native library, generates the Swift bindings and runs
# `swift test` on bindings-swift (XCTest: the conformance replay and the API
# tests). Without swift on the PATH (Linux), Swift 6.0.3 is provisioned in a
# Debian trixie root under the cache (scripts/lib/swift-toolchain.sh).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
source "$(dirname "$0")/lib/swift-toolchain.sh"

lib="$(build_host_library)"
build_checker
"$SESSIONCORE_ROOT/scripts/gen-bindings.sh" swift
swift_toolchain_ensure

scenarios="$SESSIONCORE_ROOT/tests/scenarios"
SWIFT_RUN_ENV="SESSIONCORE_LIB_DIR=$(dirname "$lib") SESSIONCORE_SCENARIO_DIR=$scenarios"
SWIFT_RUN_ENV+=" SESSIONCORE_CHECKER=$SESSIONCORE_CHECKER SESSIONCORE_SCENARIOS=${SESSIONCORE_SCENARIOS:-} SESSIONCORE_RESULTS_DIR=${SESSIONCORE_RESULTS_DIR:-}"
# Directories outside the project must be visible inside a chroot too.
SWIFT_RUN_MOUNTS="${SESSIONCORE_SCENARIOS:-} ${SESSIONCORE_RESULTS_DIR:-}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
swift_run "$SESSIONCORE_ROOT/bindings-swift" swift test \
    --scratch-path "$SESSIONCORE_ROOT/target/swift-build" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# XCTest's closing line: "Executed N tests, with F failures (U unexpected)";
# F counts failed assertions, so the failed tests are counted by their lines.
totals="$(grep -E 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -1)"
run="$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"${totals:-Executed 0 tests}")"
failed="$({ grep -E "^Test Case '.*' failed \(" "$log" || true; } | sort -u | wc -l)"
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
summarize swift $((run - ${failed:-0})) "$failed"
[[ $status -eq 0 ]]
