#!/usr/bin/env bash
# Lints the public CI workflow with actionlint (pinned, built from the Go
# module proxy into the cache).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
actionlint="$SESSIONCORE_CACHE/go-bin/actionlint"
if [[ ! -x "$actionlint" ]]; then
    need go "install Go 1.22 or newer"
    GOBIN="$SESSIONCORE_CACHE/go-bin" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.7 ||
        die "could not build actionlint"
fi
if (cd "$SESSIONCORE_ROOT" && "$actionlint" -shellcheck= .github/workflows/*.yml); then
    summarize workflows 1 0
else
    summarize workflows 0 1
    exit 1
fi
