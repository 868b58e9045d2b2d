#!/usr/bin/env bash
# The shipped library's size budget: builds the release library (opt-level z,
# LTO, one codegen unit, unwinding kept; the trimmed SQLite of
# .cargo/config.toml), strips a copy as it would ship, fails above the budget,
# and reports what the size is made of. Also fails when the library needs a
# SQLite symbol that the trimmed SQLite no longer has.
#   usage: scripts/size-budget.sh [BUDGET_BYTES]   (default 1300000)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
budget="${1:-1300000}"
lib="$(build_host_library)"
shipped="$SESSIONCORE_ROOT/target/ship/$(basename "$lib")"
shipped_copy "$lib" "$shipped"
size=$(stat -c %s "$shipped")
echo "shipped library: $shipped"
echo "size: $size bytes stripped ($(stat -c %s "$lib") unstripped), budget $budget"
echo "sections (bytes):"
size -A "$shipped" | awk '$1 ~ /^\./ && $2 > 10000 {printf "  %-20s %8d\n", $1, $2}'
echo "code and data by origin (bytes, from the unstripped symbols):"
nm -S --size-sort --radix=d "$lib" | awk '
    { size = $2 + 0; name = $4
      if (name ~ /^sqlite3|^yy|^aBuiltin|^[a-z][A-Za-z0-9]*$/) origin = "SQLite (C)"
      else if (name ~ /gimli|addr2line|miniz|backtrace|rustc_demangle/) origin = "std backtrace (panic messages)"
      else if (name ~ /uniffi/) origin = "uniffi scaffolding"
      else if (name ~ /sessioncore/) origin = "sessioncore"
      else if (name ~ /serde_json|serde/) origin = "serde_json"
      else origin = "Rust std and other crates"
      total[origin] += size }
    END { for (o in total) printf "  %8d  %s\n", total[o], o }' | sort -rn

# What the static library adds to an app: the XCFramework's content, for
# which the x86_64 Linux static library, processed as the XCFramework's are
# (scripts/hide-static-symbols.sh), stands in (arm64 iOS code differs in
# size; no Apple toolchain here). An app keeping every entry point the Swift
# header declares, linked with --gc-sections and stripped, against the same
# app without them.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
hidden_static_library "$work/libsessioncore.a" >/dev/null
"$SESSIONCORE_ROOT/scripts/gen-bindings.sh" swift >/dev/null
entries="$(swift_header_entry_points)"
{
    # Declared with any prototype: only their addresses are taken.
    sed 's/.*/extern void &(void);/' <<<"$entries"
    echo "void *volatile entries[] = {"
    sed 's/.*/    (void *)\&&,/' <<<"$entries"
    echo "};"
    echo "int main(void) { return entries[0] == 0; }"
} >"$work/app.c"
echo "int main(void) { return 0; }" >"$work/empty.c"
app_link() { gcc -O2 -s -Wl,--gc-sections -o "$@" -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc; }
app_link "$work/app" "$work/app.c" "$work/libsessioncore.a" && app_link "$work/empty" "$work/empty.c"
static_added=$(($(stat -c %s "$work/app") - $(stat -c %s "$work/empty")))
echo "the static library adds $static_added bytes to an app that keeps its $(wc -l <<<"$entries") entry points (x86_64 Linux, stripped, --gc-sections)"

passed=0 failed=0
if [[ $size -le $budget ]]; then passed=$((passed + 1)); else echo "FAIL $size bytes is over the budget of $budget"; failed=$((failed + 1)); fi
missing="$(nm -u "$lib" | awk '{print $2}' | grep -E '^sqlite3' || true)"
if [[ -z "$missing" ]]; then passed=$((passed + 1)); else echo "FAIL undefined SQLite symbols: $missing"; failed=$((failed + 1)); fi
summarize size "$passed" "$failed"
[[ $failed -eq 0 ]]
