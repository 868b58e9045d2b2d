#!/usr/bin/env bash
# Rust: formatting, clippy with -D warnings, unit tests, the storage tests and
# the scenario replay (every entity validated against the 1-0-2 schema).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
cd "$SESSIONCORE_ROOT"
need cargo "install Rust with rustup"

cargo fmt --all -- --check || die "cargo fmt found unformatted code (run: cargo fmt --all)"
cargo clippy --workspace --all-targets --all-features -- -D warnings
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed;' "$log" | awk '{s+=$1} END {print s+0}')
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
summarize rust "$passed" "$failed"
[[ $status -eq 0 ]]
