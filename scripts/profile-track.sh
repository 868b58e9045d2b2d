#!/usr/bin/env bash
# Where a tracked event's instructions go: runs core/examples/track_loop.rs
# (EVENTS tracks, then EVENTS getter reads, on tmpfs) under callgrind and
# prints the inclusive instruction counts per function, largest first; then
# the same count for the floor (EVENTS bare single-row UPDATE commits).
# Instruction counts, not seconds: the same whatever else the machine does
# (system calls are not counted: criterion's times are the measure).
#   usage: scripts/profile-track.sh [EVENTS]   (default 2000)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
need valgrind "install valgrind (Debian: valgrind)"
need callgrind_annotate "install valgrind (Debian: valgrind)"

events="${1:-2000}"
(cd "$SESSIONCORE_ROOT" &&
    CARGO_PROFILE_RELEASE_DEBUG=true cargo build -q --release -p sessioncore --example track_loop)
dir="$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)"
trap 'rm -rf "$dir"' EXIT
for workload in track floor; do
    valgrind -q --tool=callgrind --callgrind-out-file="$dir/$workload.out" \
        "$SESSIONCORE_ROOT/target/release/examples/track_loop" "$dir" "$events" "$workload"
done
echo "instructions per call = inclusive count / $events"
callgrind_annotate --inclusive=yes "$dir/track.out" |
    awk 'listing && !/^-/; /file:function/ {listing = 1}' |
    sed -E 's#[^ ]*/registry/src/[^/]+/##; s# \[[^]]*\]$##' | head -50
echo "the floor, for comparison:"
callgrind_annotate --inclusive=yes "$dir/floor.out" | grep -E 'Statement::execute \[' | head -1
