#!/usr/bin/env bash
# What each size option buys: builds the shipped library once per step, from
# cargo's default release profile up to the shipped one, each step adding one
# option, and prints the stripped size of each as a Markdown table
# (docs/performance.md, "Size"). Slow (one full build per row); not in the suite.
#   usage: scripts/size-options.sh
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$SESSIONCORE_ROOT"

# name | opt-level | lto | codegen-units | trimmed SQLite
steps=(
    "cargo's default release profile|3|false|16|no"
    "opt-level = \"z\"|z|false|16|no"
    "lto = true|z|true|16|no"
    "codegen-units = 1|z|true|1|no"
    "trimmed SQLite (.cargo/config.toml): shipped|z|true|1|yes"
)
echo "| step (cumulative) | stripped size | change |"
echo "|---|---:|---:|"
previous=""
for step in "${steps[@]}"; do
    IFS='|' read -r name opt lto units trimmed <<<"$step"
    target="$SESSIONCORE_ROOT/target/size-options/$opt-$lto-$units-$trimmed"
    env=(CARGO_TARGET_DIR="$target" CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt"
        CARGO_PROFILE_RELEASE_LTO="$lto" CARGO_PROFILE_RELEASE_CODEGEN_UNITS="$units")
    # An explicit empty value wins over .cargo/config.toml's [env]: SQLite's bundled defaults.
    [[ $trimmed == yes ]] || env+=(LIBSQLITE3_FLAGS=)
    env "${env[@]}" cargo build --release -p sessioncore --lib >&2
    shipped_copy "$target/release/libsessioncore.so" "$target/shipped.so"
    size=$(stat -c %s "$target/shipped.so")
    change="—"
    [[ -z $previous ]] || change="$(((size - previous) * 100 / previous)) %"
    printf '| %s | %d bytes | %s |\n' "$name" "$size" "$change"
    previous=$size
done
