#!/usr/bin/env bash
# Python: generates the bindings next to bindings-python/sessioncore, then
# runs pytest: every scenario as its own test, plus the API tests.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
need python3 "install CPython 3.9 or newer"

"$SESSIONCORE_ROOT/scripts/gen-bindings.sh" python
build_checker

python=python3
if ! python3 -m pytest --version >/dev/null 2>&1; then
    venv="$SESSIONCORE_CACHE/python-venv"
    [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "pytest==8.*" || die "could not install pytest"
    python="$venv/bin/python"
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
(cd "$SESSIONCORE_ROOT" && "$python" -m pytest -q -rs -p no:cacheprovider bindings-python/tests) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# Counts from pytest's closing line only ("2 failed, 112 passed in 8.81s"):
# a test's captured output may say "120 errors" too.
closing="$(grep -E '[0-9]+ (passed|failed|errors?|skipped).* in [0-9.]+s' "$log" | tail -1 || true)"
count() { { grep -Eo "[0-9]+ $1" <<<"$closing" || true; } | tail -1 | awk '{print $1}'; }
passed=$(count passed); failed=$(count failed); errors=$(count error); skipped=$(count skipped)
failed=$(( ${failed:-0} + ${errors:-0} ))
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
summarize python "${passed:-0}" "$failed" "${skipped:-0}" "see the SKIPPED lines above"
[[ $status -eq 0 ]]
