#!/usr/bin/env bash
# Builds SessionCoreFFI.xcframework (static libraries for iOS devices, arm64,
# and the iOS simulator, arm64 + x86_64 lipo'd together, with the generated
# header and module map) and the Swift package around it
# (scripts/swift-release-layout.sh): target/apple/release/package/ and, with
# --release, target/apple/release/SessionCoreFFI.xcframework.zip.
# Each static library keeps only the uniffi entry points global
# (scripts/hide-static-symbols.sh): the bundled SQLite and the Rust runtime
# cannot clash with an app's own.
#   scripts/build-xcframework.sh                 binary target by local path (development)
#   scripts/build-xcframework.sh --release URL   binary target by URL + checksum
#                                                (URL: where the release publishes the zip)
# Needs macOS with Xcode (xcodebuild, lipo, ld, libtool) and the three Rust iOS targets.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$SESSIONCORE_ROOT"

[[ "$(uname -s)" == Darwin ]] || die "building the XCFramework needs macOS with Xcode; this is $(uname -s)"
need xcodebuild "install Xcode and run xcode-select --install"
need lipo "install the Xcode command line tools"
url=--local
if [[ "${1:-}" == "--release" ]]; then
    url="${2:?--release needs the URL the zipped XCFramework will be published at}"
fi
targets=(aarch64-apple-ios:arm64 aarch64-apple-ios-sim:arm64 x86_64-apple-ios:x86_64)
for pair in "${targets[@]}"; do
    rustup target list --installed | grep -x "${pair%%:*}" >/dev/null ||
        die "the Rust target ${pair%%:*} is not installed (rustup target add ${pair%%:*})"
done

out="$SESSIONCORE_ROOT/target/apple"
rm -rf "$out" && mkdir -p "$out/headers" "$out/simulator"
scripts/gen-bindings.sh swift
for pair in "${targets[@]}"; do
    IFS=: read -r target arch <<<"$pair"
    cargo rustc --release -p sessioncore --lib --crate-type staticlib --target "$target"
    mkdir -p "$out/$target"
    scripts/hide-static-symbols.sh "target/$target/release/libsessioncore.a" "$out/$target/libsessioncore.a" "$arch"
done
lipo -create "$out/aarch64-apple-ios-sim/libsessioncore.a" "$out/x86_64-apple-ios/libsessioncore.a" \
    -output "$out/simulator/libsessioncore.a"
cp bindings-swift/Sources/SessionCoreFFI/include/SessionCoreFFI.h "$out/headers/"
cp bindings-swift/Sources/SessionCoreFFI/include/module.modulemap "$out/headers/"
xcodebuild -create-xcframework \
    -library "$out/aarch64-apple-ios/libsessioncore.a" -headers "$out/headers" \
    -library "$out/simulator/libsessioncore.a" -headers "$out/headers" \
    -output "$out/SessionCoreFFI.xcframework"

scripts/swift-release-layout.sh "$out/SessionCoreFFI.xcframework" "$url" "$out/release"
