#!/usr/bin/env bash
# Generates the uniffi bindings from the unstripped host library, in library
# mode, with the pinned generators: uniffi-bindgen 0.32.2 (this workspace's
# scripts/uniffi-bindgen) for Kotlin, Swift and Python, uniffi-bindgen-dart
# 0.2.0 for Dart. Generated files are not committed; they go next to the
# hand-written code of each binding, in git-ignored places.
#   usage: scripts/gen-bindings.sh [kotlin] [swift] [python] [dart]   (default: all)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

languages=("$@")
[[ ${#languages[@]} -gt 0 ]] || languages=(kotlin swift python dart)
lib="$(build_host_library)"
cd "$SESSIONCORE_ROOT"

uniffi_bindgen() {
    cargo run --quiet -p uniffi-bindgen -- generate --library "$lib" --no-format "$@"
}

for language in "${languages[@]}"; do
    case "$language" in
    kotlin)
        out=bindings-kotlin/target/generated-sources/uniffi
        rm -rf "$out" && uniffi_bindgen --language kotlin --out-dir "$out"
        ;;
    swift)
        out="$(mktemp -d)"
        uniffi_bindgen --language swift --out-dir "$out"
        mkdir -p bindings-swift/Sources/SessionCoreFFI/include bindings-swift/Sources/SessionCoreBindings
        mv "$out/SessionCoreFFI.h" bindings-swift/Sources/SessionCoreFFI/include/SessionCoreFFI.h
        mv "$out/SessionCoreBindings.swift" bindings-swift/Sources/SessionCoreBindings/SessionCoreBindings.swift
        rm -rf "$out"
        ;;
    python)
        out=bindings-python/sessioncore
        uniffi_bindgen --language python --out-dir "$out"
        mv "$out/sessioncore.py" "$out/_ffi.py"
        cp "$lib" "$out/"
        ;;
    dart)
        source scripts/lib/dart-toolchain.sh
        dart_bindgen_ensure
        out=bindings-dart/lib/src/generated
        rm -rf "$out" && mkdir -p "$out"
        "$DART_BINDGEN" generate --no-format --out-dir "$out" --config bindings-dart/uniffi-dart.toml "$lib" >&2
        ;;
    *) die "unknown language '$language' (kotlin, swift, python, dart)" ;;
    esac
    echo "generated $language bindings" >&2
done
