#!/usr/bin/env bash
# Runs both cargo-fuzz targets for a while each, from the seed corpus
# (fuzz/corpus; new inputs go to target/fuzz-corpus so the seeds stay
# reviewed), and prints libFuzzer's final line for each. Installs a pinned
# cargo-fuzz into the cache. Stable Rust: RUSTC_BOOTSTRAP lets cargo-fuzz use
# its nightly flags; without a nightly toolchain's sanitizer runtimes the
# targets build with `-s none` (libFuzzer's coverage, no AddressSanitizer),
# which still catches every panic and broken invariant the targets assert.
#   usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 300)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
seconds="${1:-300}"
fuzz_root="$SESSIONCORE_CACHE/cargo-fuzz"
if [[ ! -x "$fuzz_root/bin/cargo-fuzz" ]]; then
    cargo install --locked --root "$fuzz_root" cargo-fuzz --version 0.13.2 >&2 || die "could not install cargo-fuzz"
fi
export PATH="$fuzz_root/bin:$PATH"
cd "$SESSIONCORE_ROOT/fuzz"
for target in scenario_parser engine_ops; do
    work="$SESSIONCORE_ROOT/target/fuzz-corpus/$target"
    mkdir -p "$work"
    echo "== $target, $seconds s" >&2
    RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -O "$target" "$work" "corpus/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 2>&1 | tee "$work.log" | tail -3 >&2
    grep -E "^stat::number_of_executed_units|^Done" "$work.log" | sed "s/^/$target: /"
done
