#!/usr/bin/env bash
# Rewrites the Rust static library that goes into the XCFramework so that its
# only global symbols are the uniffi entry points (uniffi_* and
# ffi_sessioncore_*). Everything else it carries becomes local: the bundled
# SQLite where there is one (sqlite3_*), the Rust runtime (rust_eh_personality,
# __rust_alloc, std and compiler_builtins), uniffi's metadata and the JNI
# entries. An app that also links SQLCipher, its own SQLite or another Rust SDK
# then links without duplicate symbols. The output is one relocatable object
# (a partial link of the whole archive, so the references between its parts
# are resolved inside it) in an archive:
#   Linux (what scripts/test-native.sh checks): ld -r, then objcopy --keep-global-symbols
#   Apple (scripts/build-xcframework.sh):       ld -r -exported_symbols_list (the other
#                                               globals become local), then libtool -static
#   usage: scripts/hide-static-symbols.sh IN.a OUT.a [ARCH]   (ARCH: Apple's ld -arch, e.g. arm64)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
[[ $# -ge 2 ]] || die "usage: $0 IN.a OUT.a [ARCH]"
in="$(realpath "$1")"
out="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -f "$out"

if [[ "$(uname -s)" == Darwin ]]; then
    arch="${3:?on macOS give the architecture (arm64 or x86_64)}"
    # Mach-O names carry a leading underscore.
    nm -gU "$in" | awk '$3 ~ /^_(uniffi|ffi_sessioncore)_/ {print $3}' | sort -u >"$work/exports"
    [[ -s "$work/exports" ]] || die "no uniffi entry points in $in"
    # -force_load: every member, not only those something refers to.
    ld -r -arch "$arch" -exported_symbols_list "$work/exports" -o "$work/sessioncore.o" -force_load "$in"
    libtool -static -o "$out" "$work/sessioncore.o"
else
    need objcopy "install binutils"
    nm -g --defined-only "$in" 2>/dev/null | awk 'NF == 3 && $3 ~ /^(uniffi|ffi_sessioncore)_/ {print $3}' | sort -u >"$work/exports"
    [[ -s "$work/exports" ]] || die "no uniffi entry points in $in"
    ld -r --whole-archive -o "$work/sessioncore.o" "$in"
    # Also drops the LLVM bitcode some members embed: nothing links it, and
    # binutils' LLVM plugin aborts on bitcode newer than itself.
    objcopy --keep-global-symbols="$work/exports" --remove-section=.llvmbc --remove-section=.llvmcmd \
        "$work/sessioncore.o" "$work/hidden.o"
    ar rcs "$out" "$work/hidden.o"
fi
echo "wrote $out: $(wc -l <"$work/exports") global symbols, the uniffi entry points" >&2
