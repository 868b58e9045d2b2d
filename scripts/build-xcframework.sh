#!/usr/bin/env bash
# Builds SessionCoreFFI.xcframework (static libraries for iOS devices and the
# iOS simulator, arm64 + x86_64 lipo'd together, with the generated header and
# module map) and a consumer Swift package around it in target/apple/SessionCore.
#   scripts/build-xcframework.sh                 binary target by local path
#   scripts/build-xcframework.sh --release URL   binary target by URL + checksum
#                                                (URL of the zipped xcframework)
# Needs macOS with Xcode (xcodebuild, lipo) and the three Rust iOS targets.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$SESSIONCORE_ROOT"

[[ "$(uname -s)" == Darwin ]] || die "building the XCFramework needs macOS with Xcode; this is $(uname -s)"
need xcodebuild "install Xcode and run xcode-select --install"
need lipo "install the Xcode command line tools"
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
for target in "${targets[@]}"; do
    rustup target list --installed | grep -x "$target" >/dev/null || die "the Rust target $target is not installed (rustup target add $target)"
done

out="$SESSIONCORE_ROOT/target/apple"
rm -rf "$out" && mkdir -p "$out/headers" "$out/sim"
scripts/gen-bindings.sh swift
for target in "${targets[@]}"; do
    cargo rustc --release -p sessioncore --lib --crate-type staticlib --target "$target"
done
lipo -create target/aarch64-apple-ios-sim/release/libsessioncore.a target/x86_64-apple-ios/release/libsessioncore.a \
    -output "$out/sim/libsessioncore.a"
cp bindings-swift/Sources/SessionCoreFFI/include/SessionCoreFFI.h "$out/headers/"
cp bindings-swift/Sources/SessionCoreFFI/include/module.modulemap "$out/headers/"
xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/release/libsessioncore.a -headers "$out/headers" \
    -library "$out/sim/libsessioncore.a" -headers "$out/headers" \
    -output "$out/SessionCoreFFI.xcframework"

# The Flutter plugin's podspec vendors the same framework.
rm -rf bindings-dart/ios/SessionCoreFFI.xcframework
cp -R "$out/SessionCoreFFI.xcframework" bindings-dart/ios/

package="$out/SessionCore"
mkdir -p "$package/Sources/SessionCoreBindings" "$package/Sources/SessionCore"
cp bindings-swift/Sources/SessionCoreBindings/SessionCoreBindings.swift "$package/Sources/SessionCoreBindings/"
cp bindings-swift/Sources/SessionCore/*.swift "$package/Sources/SessionCore/"
if [[ "${1:-}" == "--release" ]]; then
    url="${2:?--release needs the URL the zipped xcframework will be published at}"
    (cd "$out" && zip -qry SessionCoreFFI.xcframework.zip SessionCoreFFI.xcframework)
    checksum="$(swift package compute-checksum "$out/SessionCoreFFI.xcframework.zip")"
    binary=".binaryTarget(name: \"SessionCoreFFI\", url: \"$url\", checksum: \"$checksum\")"
else
    mv "$out/SessionCoreFFI.xcframework" "$package/"
    binary='.binaryTarget(name: "SessionCoreFFI", path: "SessionCoreFFI.xcframework")'
fi
sed "s|@BINARY_TARGET@|$binary|" bindings-swift/release/Package.swift.template >"$package/Package.swift"
echo "built $package (and $out/SessionCoreFFI.xcframework.zip with --release)"
