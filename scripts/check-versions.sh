#!/usr/bin/env bash
# One version everywhere: every package manifest carries the workspace's.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
cd "$SESSIONCORE_ROOT"
version="$(sed -nE 's/^version = "(.*)"/\1/p' Cargo.toml | head -1)"
declare -A found=(
    [bindings-kotlin/pom.xml]="$(sed -nE '0,/<version>/s|.*<version>(.*)</version>.*|\1|p' bindings-kotlin/pom.xml | head -1)"
    [bindings-dart/pubspec.yaml]="$(sed -nE 's/^version: (.*)/\1/p' bindings-dart/pubspec.yaml)"
    [bindings-kotlin/consumer/pom.xml]="$(sed -nE 's|.*<sessioncore.version>(.*)</sessioncore.version>.*|\1|p' bindings-kotlin/consumer/pom.xml)"
)
passed=0 failed=0
for file in "${!found[@]}"; do
    if [[ "${found[$file]}" == "$version" ]]; then
        passed=$((passed + 1))
    else
        echo "FAIL $file has version '${found[$file]}', the workspace has $version"
        failed=$((failed + 1))
    fi
done
summarize versions "$passed" "$failed"
[[ $failed -eq 0 ]]
