#!/usr/bin/env bash
# Licences and crate metadata: LICENSE is the Apache License 2.0 the crate
# declares, and `cargo package` finds the metadata complete; the
# third-party notices are what cargo-about writes now from the Cargo metadata
# of everything the libraries are built from (so a new dependency needs
# scripts/notices.sh, and one under a licence about.toml does not accept, or
# under none, fails here: shown on two small crates); they name what Cargo
# metadata cannot (the bundled SQLite, uniffi's MPL-2.0); and the Flutter
# package carries the same files. (The AAR and the jars carry them in
# META-INF/sessioncore/, checked by test-android; the Swift package, by
# test-swift-package.)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
source "$(dirname "$0")/lib/licenses.sh"
cd "$SESSIONCORE_ROOT"

passed=0 failed=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

check "LICENSE is the whole Apache License 2.0, as Cargo.toml declares" \
    "[[ \$(workspace_field license) == Apache-2.0 ]] && grep -x ' *Version 2.0, January 2004' LICENSE >/dev/null &&
     grep -x ' *END OF TERMS AND CONDITIONS' LICENSE >/dev/null && grep 'APPENDIX: How to apply' LICENSE >/dev/null"
check "cargo package finds the crate's metadata complete (no warning)" \
    "cargo package -p sessioncore --allow-dirty --no-verify >'$work/package.log' 2>&1 && ! grep -i '^warning' '$work/package.log'"
cargo_about_ensure
check "THIRD-PARTY-NOTICES.txt is what cargo-about writes now (else run scripts/notices.sh)" \
    "write_notices '$work/notices.txt' && diff -u THIRD-PARTY-NOTICES.txt '$work/notices.txt' >'$work/notices.diff' ||
     { head -20 '$work/notices.diff'; false; }"
check "the notices name SQLite as public domain and uniffi under the MPL-2.0" \
    "grep -x 'public domain: https://www.sqlite.org/copyright.html' THIRD-PARTY-NOTICES.txt >/dev/null &&
     grep -E '^- uniffi_core [0-9.]+' THIRD-PARTY-NOTICES.txt >/dev/null && grep -x 'Mozilla Public License 2.0 (MPL-2.0), used by:' THIRD-PARTY-NOTICES.txt >/dev/null"
for file in LICENSE THIRD-PARTY-NOTICES.txt; do
    check "the Flutter package ships $file" "cmp $file bindings-dart/$file"
done

# A dependency under a licence that is not accepted, and one under none.
# probe_with LICENSE_LINE: a crate that depends on a crate declaring it.
probe_with() {
    local probe="$work/probe-$RANDOM"
    mkdir -p "$probe/app/src" "$probe/dependency/src"
    printf '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\nlicense = "Apache-2.0"\n[dependencies]\ndependency = { path = "../dependency" }\n[workspace]\n' \
        >"$probe/app/Cargo.toml"
    printf '[package]\nname = "dependency"\nversion = "0.1.0"\nedition = "2021"\n%s\n' "$1" >"$probe/dependency/Cargo.toml"
    touch "$probe/app/src/lib.rs" "$probe/dependency/src/lib.rs"
    write_notices "$probe/notices.txt" "$probe/app/Cargo.toml" >"$work/probe.log" 2>&1
}
check "a dependency under the GPL-3.0 fails the notices" \
    "! probe_with 'license = \"GPL-3.0-only\"' && grep 'failed to satisfy license requirements' '$work/probe.log' >/dev/null"
check "a dependency without a licence fails the notices" \
    "! probe_with '' && grep 'unable to synthesize license expression' '$work/probe.log' >/dev/null"
check "a dependency under an accepted licence passes (the probe itself works)" "probe_with 'license = \"MIT\"'"

summarize licenses "$passed" "$failed"
[[ $failed -eq 0 ]]
