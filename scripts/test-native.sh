#!/usr/bin/env bash
# The native libraries as apps link them, checked on the host builds:
# - 16 KB pages: every LOAD segment of the shipped (stripped) shared library
#   is aligned to 16 KB, as Google Play requires (.cargo/config.toml links
#   every Android and Linux library so; the AAR's are checked by test-android);
# - no symbol clashes: the static library for the XCFramework, after
#   scripts/hide-static-symbols.sh, defines no global symbol but the uniffi
#   entry points, still exports every function the Swift header declares, and
#   links into a C app that has its own sqlite3_libversion (the library as
#   cargo writes it does not: "multiple definition").
# Each check is also shown to fail on a library that should fail it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
cd "$SESSIONCORE_ROOT"
need gcc "install gcc"

passed=0 failed=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 16 KB pages.
lib="$(build_host_library)"
shipped_copy "$lib" "$work/libsessioncore.so"
check "the shipped library's LOAD segments are aligned to 16 KB" "aligned_to_16k_pages '$work/libsessioncore.so'"
libc="$(ldd "$lib" | awk '/libc\.so/ {print $3}')"
check "the alignment check fails on a 4 KB-aligned library ($libc)" "! aligned_to_16k_pages '$libc' >/dev/null"

# No symbol clashes.
archive="$(hidden_static_library "$work/libsessioncore.a")"
scripts/gen-bindings.sh swift
globals="$(nm -g --defined-only "$work/libsessioncore.a" | awk 'NF == 3 {print $3}' | sort)"
others="$(grep -vE '^(uniffi|ffi_sessioncore)_' <<<"$globals" || true)"
check "the static library defines no global symbol but the uniffi entry points (found: $(head -c 300 <<<"$others"))" \
    "[[ -z \"\$others\" && -n \"\$globals\" ]]"
check "the static library leaves no SQLite symbol to the app's linker" \
    "! nm -u '$work/libsessioncore.a' | grep -E ' sqlite3_' >/dev/null"
declared="$(swift_header_entry_points)"
missing="$(comm -23 <(echo "$declared") <(echo "$globals"))"
check "the static library exports every function of the Swift header (missing: $missing)" \
    "[[ -n \"\$declared\" && -z \"\$missing\" ]]"

# An app with its own SQLite (standing for SQLCipher or another SDK's copy).
cat >"$work/app.c" <<'EOF'
#include <stdint.h>
#include <stdio.h>
const char *sqlite3_libversion(void) { return "the app's own"; }
uint32_t ffi_sessioncore_uniffi_contract_version(void);
int main(void) {
    printf("%s, uniffi contract %u\n", sqlite3_libversion(), ffi_sessioncore_uniffi_contract_version());
    return 0;
}
EOF
link_app() { gcc -o "$work/app" "$work/app.c" "$1" -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc 2>"$work/link.log"; }
check "an app with its own SQLite links the static library and runs" \
    "link_app '$work/libsessioncore.a' && '$work/app' | grep -x \"the app's own, uniffi contract [0-9]*\" >/dev/null"
check "the same app does not link the unprocessed library (the clash the check prevents)" \
    "! link_app '$archive' && grep 'multiple definition of .sqlite3_libversion' '$work/link.log' >/dev/null"

summarize native "$passed" "$failed"
[[ $failed -eq 0 ]]
