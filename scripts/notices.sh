#!/usr/bin/env bash
# Regenerates THIRD-PARTY-NOTICES.txt (what the shipped libraries contain,
# from Cargo metadata, with cargo-about) and the copies the packages ship:
# bindings-dart/ (the Flutter package, used from git or a path). The AAR and
# the jars take the root file (META-INF/sessioncore/), the Swift package takes
# it when scripts/swift-release-layout.sh lays it out. scripts/test-licenses.sh
# fails while a committed copy differs from what this writes.
#   usage: scripts/notices.sh
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/licenses.sh"
cd "$SESSIONCORE_ROOT"
write_notices THIRD-PARTY-NOTICES.txt
cp THIRD-PARTY-NOTICES.txt LICENSE bindings-dart/
echo "wrote THIRD-PARTY-NOTICES.txt and its copy in bindings-dart/"
