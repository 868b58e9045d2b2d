#!/usr/bin/env bash
# Dart: generates the bindings with the pinned uniffi-bindgen-dart and checks
# them statically (every .dart file parses; every native symbol the code looks
# up is exported by the built library; every call of the generated tracker
# fits its parameters; the package's build hook builds this workspace's crate
# for real Rust targets and bundles what the loader opens), proves those
# checks can fail, and runs the conformance runner (`flutter test`, which
# also runs the build hook) where a Flutter SDK exists.
# Without one, the runtime runner is reported as skipped, never as passed.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
source "$(dirname "$0")/lib/dart-toolchain.sh"

lib="$(build_host_library)"
"$SESSIONCORE_ROOT/scripts/gen-bindings.sh" dart
dart_treesitter_ensure
static_check() { "$DART_CHECK_PYTHON" "$SESSIONCORE_ROOT/scripts/dart_static_check.py" "$@"; }
passed=0 failed=0

if static_check "$lib" "$SESSIONCORE_ROOT/bindings-dart"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# The checks must be able to fail: a broken file, a library without the
# symbols, a call that passes named arguments positionally, of the generated
# tracker, of one of the package's own methods and of one of its constructors.
broken="$(mktemp -d)"
trap 'rm -rf "$broken"' EXIT
cp "$SESSIONCORE_ROOT/bindings-dart/lib/sessioncore.dart" "$broken/broken.dart"
echo 'class Broken { void f( { }' >>"$broken/broken.dart"
if static_check "$lib" "$broken" >/dev/null; then
    echo "FAIL the syntax check accepted a broken file"
    failed=$((failed + 1))
else
    passed=$((passed + 1))
fi
mkdir "$broken/call"
sed 's/_ffi\.track(eventId: eventId, at: at)/_ffi.track(eventId, at)/' "$SESSIONCORE_ROOT/bindings-dart/lib/sessioncore.dart" \
    >"$broken/call/sessioncore.dart"
output="$(static_check "$lib" "$broken/call" || true)"
if cmp -s "$SESSIONCORE_ROOT/bindings-dart/lib/sessioncore.dart" "$broken/call/sessioncore.dart" ||
    ! grep -E '^FAIL call .*: track: 2 positional arguments' <<<"$output" >/dev/null; then
    echo "FAIL the call check accepted _ffi.track(eventId, at) against track({eventId, at})"
    failed=$((failed + 1))
else
    passed=$((passed + 1))
fi
# (file, sed expression, the FAIL line it must cause): the lifecycle binding
# calling the async tracker's expireIfIdle({at}) with a positional argument,
# and the guide's example making its SessionEndTimer without the named onSessionEnd.
own_calls=(
    "lib/src/lifecycle.dart|s/await tracker\.expireIfIdle()/await tracker.expireIfIdle(null)/|: expireIfIdle: 1 positional arguments"
    "test/lifecycle_test.dart|s/SessionEndTimer(onSessionEnd: emitSessionEnd)/SessionEndTimer(emitSessionEnd)/|: SessionEndTimer: 1 positional arguments"
)
for case in "${own_calls[@]}"; do
    IFS='|' read -r file edit expected <<<"$case"
    rm -rf "$broken/own" && mkdir "$broken/own"
    sed "$edit" "$SESSIONCORE_ROOT/bindings-dart/$file" >"$broken/own/$(basename "$file")"
    output="$(static_check "$lib" "$broken/own" || true)"
    if cmp -s "$SESSIONCORE_ROOT/bindings-dart/$file" "$broken/own/$(basename "$file")" ||
        ! grep -E "^FAIL call .*$expected" <<<"$output" >/dev/null; then
        echo "FAIL the call check accepted $file edited by $edit"
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
done
libc="$(ldd "$lib" | awk '/libc\.so/ {print $3}')"
if static_check "$libc" "$SESSIONCORE_ROOT/bindings-dart/lib" >/dev/null; then
    echo "FAIL the symbol check accepted a library that lacks the symbols"
    failed=$((failed + 1))
else
    passed=$((passed + 1))
fi

# The package builds its own library (hook/build.dart), checked statically;
# a hook that lost a target must fail the check.
package_check() { "$DART_CHECK_PYTHON" "$SESSIONCORE_ROOT/scripts/dart_package_check.py" "$1"; }
if package_check "$SESSIONCORE_ROOT/bindings-dart"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
cp -R "$SESSIONCORE_ROOT/bindings-dart" "$broken/bindings-dart"
ln -s "$SESSIONCORE_ROOT/core" "$broken/core"
sed -i "/'x86_64-linux-android',/d" "$broken/bindings-dart/hook/build.dart"
if package_check "$broken/bindings-dart" >/dev/null; then
    echo "FAIL the package check accepted a hook without the x86_64 Android target"
    failed=$((failed + 1))
else
    passed=$((passed + 1))
fi

for doc in README.md docs/integration-flutter.md; do
    if grep -Pzo "url: $(workspace_field repository)\n *path: bindings-dart\n *ref: v$(workspace_field version)\n" "$SESSIONCORE_ROOT/$doc" >/dev/null; then
        passed=$((passed + 1))
    else
        echo "FAIL $doc does not add the package by the repository, bindings-dart and the version tag"
        failed=$((failed + 1))
    fi
done

runtime_skipped=0 reason=""
if command -v flutter >/dev/null 2>&1; then
    build_checker
    if (cd "$SESSIONCORE_ROOT/bindings-dart" && flutter pub get &&
        SESSIONCORE_LIBRARY="$lib" LD_LIBRARY_PATH="$(dirname "$lib")" \
            SESSIONCORE_SCENARIO_DIR="$SESSIONCORE_ROOT/tests/scenarios" flutter test); then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
else
    runtime_skipped=1
    reason="dart runtime runner (bindings-dart/test, flutter test): no Flutter SDK on this machine (none can be installed here); run scripts/test-dart.sh where 'flutter' is on the PATH"
    if [[ -n "${SESSIONCORE_RESULTS_DIR:-}" ]]; then
        for scenario in $(scenario_dirs); do
            for file in "$scenario"/*.json; do
                printf '%s\tskip\tno Flutter SDK\n' "$(basename "$file" .json)"
            done
        done >"$SESSIONCORE_RESULTS_DIR/dart.tsv"
    fi
fi
summarize dart "$passed" "$failed" "$runtime_skipped" "$reason"
[[ $failed -eq 0 ]]
