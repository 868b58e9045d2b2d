#!/usr/bin/env bash
# Docs: the README's usage examples are the ones the tests compile and run;
# the API docs are complete (`#![deny(missing_docs)]` in core/src/lib.rs, and
# rustdoc without a warning) and reach the generated Kotlin and Swift.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
cd "$SESSIONCORE_ROOT"
need cargo "install Rust with rustup"

passed=0 failed=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The README examples: the checker prints its own counts, added to these.
set +e
python3 scripts/check-readme-examples.py >"$work/readme.log" 2>&1
set -e
grep -v '^docs: ' "$work/readme.log" || true
line="$(grep -E '^docs: [0-9]+ passed, [0-9]+ failed$' "$work/readme.log" | tail -1)"
if [[ -n "$line" ]]; then
    passed=$((passed + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
else
    echo "FAIL scripts/check-readme-examples.py printed no summary"
    failed=$((failed + 1))
fi

check "cargo doc finds every public item of sessioncore documented, with no warning" \
    "RUSTDOCFLAGS='-D warnings' cargo doc -p sessioncore --no-deps >'$work/doc.log' 2>&1 || { tail -30 '$work/doc.log'; false; }"

# The first line of the doc comment on the first line of FILE matching the
# extended regex PATTERN (attributes between the two are passed over); nothing
# when that line has none.
#   usage: rust_doc FILE PATTERN
rust_doc() {
    awk -v pattern="$2" '
        /^[ \t]*\/\/\// { if (!in_doc) first = $0; in_doc = 1; next }
        /^[ \t]*#\[/ { next }
        $0 ~ pattern { if (in_doc) { sub(/^[ \t]*\/\/\/ ?/, "", first); print first } exit }
        { in_doc = 0 }' "$1"
}
# The doc comments of an enum declared as `pub enum NAME {` in FILE.
enum_docs() {
    awk -v start="pub enum $2 \\\\{" '$0 ~ start { body = 1 } body && /^[ \t]*\/\/\// { print } body && /^}/ { exit }' "$1"
}

check "the generated Kotlin and Swift bindings are written" \
    "scripts/gen-bindings.sh kotlin swift >'$work/gen.log' 2>&1 || { tail -30 '$work/gen.log'; false; }"
kotlin=bindings-kotlin/target/generated-sources/uniffi/dev/sessioncore/ffi/sessioncore.kt
swift=bindings-swift/Sources/SessionCoreBindings/SessionCoreBindings.swift
# One item of each kind uniffi carries docs for: FILE, PATTERN, what it is.
items=(
    "core/src/api.rs|pub durability:|TrackerConfig's field durability"
    "core/src/api.rs|pub foreground_timeout_ms:|TrackerConfig's field foregroundTimeoutMs"
    "core/src/api.rs|pub struct SessionState|the record SessionState"
    "core/src/api.rs|pub fn pause\\\\(|the method SessionTracker.pause"
    "core/src/api.rs|^    ClockMovedBackwards,|the variant NewSessionReason.ClockMovedBackwards (a remote enum)"
    "core/src/api.rs|^        argument: String|the error field InvalidArgument.argument"
    "core/src/logging.rs|^    Warn,|the variant LogLevel.Warn"
    "core/src/logging.rs|pub fn set_log_level|the function setLogLevel"
)
for item in "${items[@]}"; do
    IFS='|' read -r file pattern what <<<"$item"
    doc="$(rust_doc "$file" "$pattern")"
    check "the generated Kotlin carries the doc of $what" "[[ -n \"\$doc\" ]] && grep -qF -- \"\$doc\" $kotlin"
    check "the generated Swift carries the doc of $what" "[[ -n \"\$doc\" ]] && grep -qF -- \"\$doc\" $swift"
done
# uniffi reads the docs of the #[uniffi::remote(Enum)] copy, rustdoc those of the engine's.
check "both declarations of NewSessionReason carry the same docs" \
    "[[ -n \"\$(enum_docs core/src/api.rs NewSessionReason)\" ]] &&
     diff <(enum_docs core/src/api.rs NewSessionReason) <(enum_docs core/src/engine/state.rs NewSessionReason)"

summarize docs "$passed" "$failed"
[[ $failed -eq 0 ]]
