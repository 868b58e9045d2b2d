#!/usr/bin/env bash
# Where a tracked event's instructions go: runs core/examples/track_loop.rs
# (EVENTS tracks, then EVENTS getter reads, on tmpfs) under callgrind and
# prints the inclusive instruction counts per function, largest first.
# Instruction counts, not seconds: the same whatever else the machine does.
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
valgrind -q --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
    "$SESSIONCORE_ROOT/target/release/examples/track_loop" "$dir" "$events"
echo "instructions per call = inclusive count / $events"
callgrind_annotate --inclusive=yes "$dir/callgrind.out" |
    awk 'listing && !/^-/; /file:function/ {listing = 1}' |
    sed -E 's#[^ ]*/registry/src/[^/]+/##; s# \[[^]]*\]$##' | head -50
