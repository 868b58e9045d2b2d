#!/usr/bin/env bash
# The whole test suite: Rust, then every language binding replaying the same
# scenarios, then the parity table. Ends with one line: N passed, M failed.
#   usage: scripts/test.sh [language ...]   (default: every language)
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"

languages=("$@")
[[ ${#languages[@]} -gt 0 ]] || languages=(rust kotlin swift swift-package python dart android native packaging licenses workflows docs size versions)
SESSIONCORE_RESULTS_DIR="$(mktemp -d)"
export SESSIONCORE_RESULTS_DIR
trap 'rm -rf "$SESSIONCORE_RESULTS_DIR"' EXIT

total_passed=0 total_failed=0 notes=()
for language in "${languages[@]}"; do
    script="$SESSIONCORE_ROOT/scripts/test-$language.sh"
    echo "=== $language ==="
    log="$SESSIONCORE_RESULTS_DIR/$language.log"
    "$script" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    # Strip colour codes: a runner may leave some before our summary line.
    sed -i 's/\x1b\[[0-9;]*m//g' "$log"
    line="$(grep -E "^$language: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)"
    passed="$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")"
    failed="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
    if [[ -z "$line" ]]; then
        passed=0 failed=1
        notes+=("$language: no summary line (exit $status)")
    elif [[ $status -ne 0 && $failed -eq 0 ]]; then
        failed=1
        notes+=("$language: exited $status")
    fi
    notes+=("$(grep -E "^$language: skipped" "$log" | tail -1)")
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
done

# The parity table compares with Rust, so it needs the Rust stage.
if [[ " ${languages[*]} " =~ \ rust\  ]]; then
    "$SESSIONCORE_ROOT/scripts/parity.sh" "$SESSIONCORE_RESULTS_DIR" || total_failed=$((total_failed + 1))
fi
for note in "${notes[@]}"; do [[ -n "$note" ]] && echo "$note"; done
echo "${total_passed} passed, ${total_failed} failed"
[[ $total_failed -eq 0 ]]
