#!/usr/bin/env bash
# Lays out what a release publishes for Swift Package Manager. SwiftPM
# resolves `.package(url:, from:)` by cloning the package's git repository at
# a version tag and reading the Package.swift at the root of that tree; like
# matrix-rust-sdk (matrix-rust-components-swift) and application-services
# (rust-components-swift), sessioncore keeps that tree in a repository of its
# own, <repository>-swift, which the release commits to and tags X.Y.Z:
#   OUT/SessionCoreFFI.xcframework.zip  the XCFramework with the privacy manifest in
#                                       every slice and the licence and notices at its
#                                       root: a release asset, zipped reproducibly
#   OUT/package/                        the tree to commit and tag: Package.swift, whose
#                                       binary target is the zip at URL with its SHA-256
#                                       (what `swift package compute-checksum` computes),
#                                       the generated Swift and the wrapper as sources,
#                                       PrivacyInfo.xcprivacy as a resource, LICENSE,
#                                       THIRD-PARTY-NOTICES.txt and README.md
#   usage: scripts/swift-release-layout.sh XCFRAMEWORK URL OUT
#     XCFRAMEWORK  SessionCoreFFI.xcframework (scripts/build-xcframework.sh builds it)
#     URL          where the release publishes the zip; --local puts the zip in the
#                  package instead, as binaryTarget(path:) (development, and the suite)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
[[ $# -eq 3 ]] || die "usage: $0 XCFRAMEWORK URL|--local OUT"
xcframework="$(realpath "$1")" url="$2" out="$(realpath -m "$3")"
cd "$SESSIONCORE_ROOT"
[[ -f "$xcframework/Info.plist" ]] || die "$xcframework is not an XCFramework (no Info.plist)"
generated=bindings-swift/Sources/SessionCoreBindings/SessionCoreBindings.swift
[[ -f "$generated" ]] || die "no $generated: run scripts/gen-bindings.sh swift"
release=bindings-swift/release
version="$(workspace_field version)"
repository="$(workspace_field repository)"

rm -rf "$out" && mkdir -p "$out/package/Sources/SessionCoreBindings" "$out/package/Sources/SessionCore"
framework="$out/SessionCoreFFI.xcframework"
cp -R "$xcframework" "$framework"
for slice in "$framework"/*/; do cp "$release/PrivacyInfo.xcprivacy" "$slice"; done
cp LICENSE THIRD-PARTY-NOTICES.txt "$framework/"
# Sorted entries with one timestamp: the same XCFramework gives the same zip,
# so the checksum in the manifest names its content.
(cd "$out" && python3 - <<'PY'
import os, zipfile
with zipfile.ZipFile("SessionCoreFFI.xcframework.zip", "w", zipfile.ZIP_DEFLATED) as archive:
    for root, dirs, files in sorted(os.walk("SessionCoreFFI.xcframework")):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            entry = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, open(path, "rb").read())
PY
)
rm -rf "$framework"
checksum="$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$out/SessionCoreFFI.xcframework.zip")"

if [[ "$url" == --local ]]; then
    mv "$out/SessionCoreFFI.xcframework.zip" "$out/package/"
    binary='.binaryTarget(name: "SessionCoreFFI", path: "SessionCoreFFI.xcframework.zip")'
else
    [[ "$url" == https://* ]] || die "SwiftPM downloads binary targets over https only: $url"
    binary=".binaryTarget(name: \"SessionCoreFFI\", url: \"$url\", checksum: \"$checksum\")"
fi
sed "s|@BINARY_TARGET@|$binary|" "$release/Package.swift.template" >"$out/package/Package.swift"
cp "$generated" "$out/package/Sources/SessionCoreBindings/"
cp bindings-swift/Sources/SessionCore/*.swift "$release/PrivacyInfo.xcprivacy" "$out/package/Sources/SessionCore/"
cp LICENSE THIRD-PARTY-NOTICES.txt "$out/package/"
sed -e "s|@VERSION@|$version|g" -e "s|@URL@|$repository|g" -e "s|@PACKAGE_URL@|$repository-swift|g" \
    "$release/README.md" >"$out/package/README.md"
echo "laid out $out/package (binary target: ${url/--local/the zip in the package}, checksum $checksum)"
