#!/usr/bin/env bash
# What a Swift call costs beyond the Rust call it makes, in instructions:
# runs the release Swift bench (bindings-swift/Sources/SessionCoreBench) one
# benchmark at a time under callgrind, with CALLS and then 2 x CALLS calls, so
# that opening and the rest cancel out, and prints per call: all instructions,
# those in the uniffi entry point (the Rust side: the core's work, lifting the
# arguments, lowering the result) and the difference, the binding's own cost.
# Instruction counts, not seconds: the same whatever else the machine does.
# Linux only (valgrind); in the chroot the host's valgrind runs the root's loader.
#   usage: scripts/profile-swift.sh [CALLS]   (default 2000)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/swift-toolchain.sh"
need valgrind "install valgrind (Debian: valgrind)"
need callgrind_annotate "install valgrind (Debian: valgrind)"
calls="${1:-2000}"

lib="$(build_host_library)"
"$SESSIONCORE_ROOT/scripts/gen-bindings.sh" swift
swift_toolchain_ensure
scratch="$SESSIONCORE_ROOT/target/swift-build-release"
SWIFT_RUN_ENV="SESSIONCORE_LIB_DIR=$(dirname "$lib")" swift_run "$SESSIONCORE_ROOT/bindings-swift" \
    swift build -c release --scratch-path "$scratch" --product SessionCoreBench >&2
bench=("$scratch/release/SessionCoreBench")
if [[ "$SWIFT_MODE" == chroot ]]; then
    # The root's loader and libraries, as the binary sees them inside it.
    libs="$SWIFT_ROOT/usr/libexec/swift/lib/swift/linux:$SWIFT_ROOT/usr/lib/x86_64-linux-gnu:$(dirname "$lib")"
    bench=("$SWIFT_ROOT/lib64/ld-linux-x86-64.so.2" --library-path "$libs" "${bench[@]}")
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# instructions NAME COUNT ENTRY: the run's total and the entry's inclusive count.
instructions() {
    valgrind -q --tool=callgrind --callgrind-out-file="$out/$1-$2" "${bench[@]}" 1 "$2" "$1" >/dev/null
    callgrind_annotate --inclusive=yes --threshold=100 "$out/$1-$2" | awk -v entry="$3" '
        /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
        index($0, ":" entry " ") { gsub(",", "", $1); inside = $1 }
        END { print total, inside + 0 }'
}

echo "instructions per call ($calls and $((2 * calls)) calls; the difference over $calls)"
echo "| call | path | all | in the Rust entry | the binding's own |"
echo "|---|---|---:|---:|---:|"
for row in "track fast uniffi_sessioncore_fn_method_sessiontracker_track track" \
    "track_generated generated uniffi_sessioncore_fn_method_sessiontracker_track track" \
    "getter_session_index fast uniffi_sessioncore_fn_method_sessiontracker_session_index getter_session_index" \
    "getter_session_index_generated generated uniffi_sessioncore_fn_method_sessiontracker_session_index getter_session_index"; do
    read -r name path entry call <<<"$row"
    read -r total1 entry1 < <(instructions "$name" "$calls" "$entry")
    read -r total2 entry2 < <(instructions "$name" $((2 * calls)) "$entry")
    all=$(((total2 - total1) / calls)) rust=$(((entry2 - entry1) / calls))
    echo "| \`$call\` | $path | $all | $rust | $((all - rust)) |"
done
