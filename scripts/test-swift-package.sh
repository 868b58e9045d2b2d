#!/usr/bin/env bash
# The Swift package as an iOS app team consumes it, checked with the Linux
# Swift toolchain (scripts/lib/swift-toolchain.sh):
# - the generated Swift and the wrapper compile in the Swift 6 language mode
#   (complete concurrency checking) with warnings as errors; a global mutable
#   variable is shown to fail that;
# - the release layout (scripts/swift-release-layout.sh) around a stand-in
#   XCFramework (the layout xcodebuild writes, with the Linux static library:
#   SwiftPM on Linux unpacks it but links no iOS slice): its manifest, as
#   SwiftPM reads it, declares iOS only, the binary target by https URL with
#   the checksum `swift package compute-checksum` gives, the sources, and the
#   privacy manifest as a resource; the tree has the licence and notices;
# - an app's package resolves it by git URL at the version tag, as
#   `.package(url:, from:)` does (the binary target by path here: SwiftPM only
#   downloads over https), and gets the XCFramework with a privacy manifest in
#   every slice;
# - the privacy manifest declares what sessioncore stores and does.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
source "$(dirname "$0")/lib/swift-toolchain.sh"
cd "$SESSIONCORE_ROOT"

version="$(workspace_field version)"
build_host_library >/dev/null
scripts/gen-bindings.sh swift
swift_toolchain_ensure
passed=0 failed=0
# Under the project root: the Swift chroot sees the project at the same path.
work="$(mktemp -d "$SESSIONCORE_ROOT/target/swift-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Swift 6 language mode, strict concurrency, no warnings.
# swift6_check [EXTRA.swift]: the bindings' module, then the wrapper (and EXTRA) against it.
swift6_check() {
    local flags="-swift-version 6 -warnings-as-errors -I bindings-swift/Sources/SessionCoreFFI/include"
    swift_run "$SESSIONCORE_ROOT" bash -c "swiftc -emit-module -module-name SessionCoreBindings $flags \
        -emit-module-path '$work/swift6/SessionCoreBindings.swiftmodule' bindings-swift/Sources/SessionCoreBindings/SessionCoreBindings.swift &&
        swiftc -typecheck -module-name SessionCore $flags -I '$work/swift6' bindings-swift/Sources/SessionCore/*.swift $*"
}
mkdir -p "$work/swift6"
check "the bindings and the wrapper compile in Swift 6 mode with no warning" "swift6_check"
echo 'public var trackedSoFar = 0' >"$work/global.swift"
check "Swift 6 mode refuses a global mutable variable (the check can fail)" \
    "! swift6_check '$work/global.swift' >'$work/global.log' 2>&1 && grep 'not concurrency-safe' '$work/global.log' >/dev/null"

# A stand-in XCFramework, laid out as xcodebuild lays one out.
standin="$work/SessionCoreFFI.xcframework"
for slice in ios-arm64 ios-arm64_x86_64-simulator; do
    mkdir -p "$standin/$slice/Headers"
    hidden_static_library "$standin/$slice/libsessioncore.a" >/dev/null
    cp bindings-swift/Sources/SessionCoreFFI/include/{SessionCoreFFI.h,module.modulemap} "$standin/$slice/Headers/"
done
python3 - "$standin/Info.plist" <<'PY'
import plistlib, sys
def library(identifier, architectures, variant=None):
    entry = {"BinaryPath": "libsessioncore.a", "HeadersPath": "Headers", "LibraryIdentifier": identifier,
             "LibraryPath": "libsessioncore.a", "SupportedArchitectures": architectures, "SupportedPlatform": "ios"}
    if variant:
        entry["SupportedPlatformVariant"] = variant
    return entry
plistlib.dump({"AvailableLibraries": [library("ios-arm64", ["arm64"]),
                                      library("ios-arm64_x86_64-simulator", ["arm64", "x86_64"], "simulator")],
               "CFBundlePackageType": "XFWK", "XCFrameworkFormatVersion": "1.0"}, open(sys.argv[1], "wb"))
PY

# The release layout, as SwiftPM reads its manifest.
url="https://github.com/sessioncore/sessioncore/releases/download/v$version/SessionCoreFFI.xcframework.zip"
scripts/swift-release-layout.sh "$standin" "$url" "$work/release"
swift_run "$work/release/package" bash -c "swift package dump-package >'$work/manifest.json' &&
    swift package compute-checksum '$work/release/SessionCoreFFI.xcframework.zip' >'$work/checksum'"
check "the release manifest declares iOS only, the binary target by URL and checksum, the sources and the privacy manifest" \
    "python3 - '$work/manifest.json' '$url' \"\$(cat '$work/checksum')\" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
targets = {target['name']: target for target in manifest['targets']}
binary = targets['SessionCoreFFI']
resources = [resource['path'] for resource in targets['SessionCore'].get('resources', [])]
problems = [what for what, ok in [
    ('platforms', [(p['platformName'], p['version']) for p in manifest['platforms']] == [('ios', '15.0')]),
    ('binary target', binary['type'] == 'binary' and binary['url'] == sys.argv[2] and binary['checksum'] == sys.argv[3]),
    ('targets', sorted(targets) == ['SessionCore', 'SessionCoreBindings', 'SessionCoreFFI']),
    ('product', [p['name'] for p in manifest['products']] == ['SessionCore']),
    ('privacy manifest', resources == ['PrivacyInfo.xcprivacy']),
] if not ok]
sys.exit(f'manifest: {problems}' if problems else 0)
PY"
for file in LICENSE THIRD-PARTY-NOTICES.txt Sources/SessionCore/PrivacyInfo.xcprivacy \
    Sources/SessionCore/SessionTracker.swift Sources/SessionCoreBindings/SessionCoreBindings.swift; do
    check "the package tree has $file" "[[ -s '$work/release/package/$file' ]]"
done

# An app's package that depends on it by git URL at the version tag.
scripts/swift-release-layout.sh "$standin" --local "$work/local"
(cd "$work/local/package" && git init -q && git add -A &&
    git -c user.name=release -c user.email=release@localhost commit -qm "SessionCore $version" && git tag "$version")
mkdir -p "$work/app/Sources/App"
cat >"$work/app/Package.swift" <<EOF
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "App",
    platforms: [.iOS(.v15)],
    dependencies: [.package(url: "file://$work/local/package", from: "$version")],
    targets: [.target(name: "App", dependencies: [.product(name: "SessionCore", package: "package")])]
)
EOF
echo 'import SessionCore' >"$work/app/Sources/App/App.swift"
check "an app's package resolves SessionCore by URL at the tag $version" \
    "swift_run '$work/app' swift package resolve >'$work/resolve.log' 2>&1 &&
     python3 -c 'import json, sys; pins = json.load(open(sys.argv[1]))[\"pins\"]; sys.exit(pins[0][\"state\"][\"version\"] != sys.argv[2])' \
        '$work/app/Package.resolved' '$version' || { tail -5 '$work/resolve.log'; false; }"
artifact="$(find "$work/app/.build/artifacts" -name SessionCoreFFI.xcframework -type d | head -1)"
check "the resolved XCFramework has a privacy manifest in every slice, the licence and the notices" \
    "[[ -n '$artifact' && -f '$artifact/ios-arm64/PrivacyInfo.xcprivacy' && -f '$artifact/ios-arm64_x86_64-simulator/PrivacyInfo.xcprivacy' &&
        -f '$artifact/LICENSE' && -f '$artifact/THIRD-PARTY-NOTICES.txt' ]]"

check "the privacy manifest: no tracking, no domains, a per-install id for analytics, SQLite's file metadata (C617.1), the app's own defaults (CA92.1)" \
    "python3 - bindings-swift/release/PrivacyInfo.xcprivacy <<'PY'
import plistlib, sys
privacy = plistlib.load(open(sys.argv[1], 'rb'))
collected = [(d['NSPrivacyCollectedDataType'], d['NSPrivacyCollectedDataTypeLinked'], d['NSPrivacyCollectedDataTypeTracking'],
              d['NSPrivacyCollectedDataTypePurposes']) for d in privacy['NSPrivacyCollectedDataTypes']]
apis = [(a['NSPrivacyAccessedAPIType'], a['NSPrivacyAccessedAPITypeReasons']) for a in privacy['NSPrivacyAccessedAPITypes']]
ok = (privacy['NSPrivacyTracking'] is False and privacy['NSPrivacyTrackingDomains'] == []
      and collected == [('NSPrivacyCollectedDataTypeDeviceID', False, False, ['NSPrivacyCollectedDataTypePurposeAnalytics'])]
      and apis == [('NSPrivacyAccessedAPICategoryFileTimestamp', ['C617.1']),
                   ('NSPrivacyAccessedAPICategoryUserDefaults', ['CA92.1'])])
sys.exit(0 if ok else f'privacy manifest: {privacy}')
PY"

for doc in README.md docs/integration-ios.md; do
    check "$doc adds the package by the URL the release tags" \
        "grep -F '.package(url: \"$(workspace_field repository)-swift\", from: \"$version\")' $doc >/dev/null"
done

summarize swift-package "$passed" "$failed"
[[ $failed -eq 0 ]]
