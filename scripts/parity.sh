#!/usr/bin/env bash
# The scenario x language table from what the suites left in RESULTS_DIR
# (<language>.tsv verdicts and traces/<language>/<scenario>.jsonl), drawn by
# the conformance checker: each cell says whether that language met the
# scenario's expectations and whether its trace is identical to Rust's.
# Fails on any failure or any difference, in any field.
#   usage: scripts/parity.sh RESULTS_DIR   (scripts/test.sh calls it)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
results="${1:?usage: parity.sh RESULTS_DIR}"
build_checker
"$SESSIONCORE_CHECKER" parity "$results"
