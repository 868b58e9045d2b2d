#!/usr/bin/env bash
# Builds sessioncore-<version>.aar: classes.jar (generated bindings + wrapper +
# lifecycle observer, with the licence and third-party notices in
# META-INF/sessioncore/), jni/<abi>/libsessioncore.so (stripped, 16 KB pages),
# the manifest and the consumer R8/ProGuard rules. scripts/publish-maven.sh
# publishes it with its POM.
#   scripts/build-android.sh          arm64-v8a, armeabi-v7a, x86_64 with the NDK
#                                     in $ANDROID_NDK_HOME (plain cargo + NDK clang)
#   scripts/build-android.sh --host   the same layout from the host library
#                                     (jni/host/), to test the packaging here
# Output: target/android/sessioncore-<version>.aar
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$SESSIONCORE_ROOT"

ANDROID_API=21
version="$(sed -nE 's/^version = "(.*)"/\1/p' Cargo.toml | head -1)"
out="$SESSIONCORE_ROOT/target/android"
stage="$out/stage"
rm -rf "$stage" && mkdir -p "$stage/jni"

if [[ "${1:-}" == "--host" ]]; then
    shipped_copy "$(build_host_library)" "$stage/jni/host/libsessioncore.so"
else
    [[ -n "${ANDROID_NDK_HOME:-}" ]] ||
        die "ANDROID_NDK_HOME is not set: install the Android NDK (r26 or newer) and point ANDROID_NDK_HOME at it, or use --host to test the packaging"
    toolchain="$(echo "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*)"
    [[ -x "$toolchain/bin/llvm-strip" ]] || die "no NDK LLVM toolchain under $ANDROID_NDK_HOME/toolchains/llvm/prebuilt"
    # Generate the bindings from the host library first: library mode needs an
    # unstripped library of the same source, and the host one is that.
    build_host_library >/dev/null
    for pair in aarch64-linux-android:arm64-v8a:aarch64-linux-android armv7-linux-androideabi:armeabi-v7a:armv7a-linux-androideabi \
        x86_64-linux-android:x86_64:x86_64-linux-android; do
        IFS=: read -r target abi clang_prefix <<<"$pair"
        rustup target list --installed 2>/dev/null | grep -x "$target" >/dev/null ||
            die "the Rust target $target is not installed (rustup target add $target)"
        env_target="${target//-/_}"
        clang="$toolchain/bin/$clang_prefix$ANDROID_API-clang"
        [[ -x "$clang" ]] || die "missing NDK compiler $clang"
        export "CARGO_TARGET_${env_target^^}_LINKER=$clang" "CC_$env_target=$clang" "AR_$env_target=$toolchain/bin/llvm-ar"
        cargo build --release -p sessioncore --lib --target "$target"
        shipped_copy "target/$target/release/libsessioncore.so" "$stage/jni/$abi/libsessioncore.so" "$toolchain/bin/llvm-strip"
    done
fi

scripts/gen-bindings.sh kotlin
need mvn "install Maven 3.8 or newer"
source scripts/lib/android-classes.sh
android_classes_ensure
(cd bindings-kotlin && mvn -B -q -ntp -Dstyle.color=never -Dmaven.repo.local="$SESSIONCORE_CACHE/maven" -DskipTests package)
cp "bindings-kotlin/target/sessioncore-$version.jar" "$stage/classes.jar"
cp bindings-kotlin/android/AndroidManifest.xml "$stage/AndroidManifest.xml"
cp bindings-kotlin/android/consumer-rules.pro "$stage/proguard.txt"
: >"$stage/R.txt"
aar="$out/sessioncore-$version.aar"
rm -f "$aar"
(cd "$stage" && python3 -c 'import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk("."):
        for f in sorted(files):
            z.write(os.path.join(root, f), os.path.relpath(os.path.join(root, f), "."))' "$aar")
echo "built $aar"
