#!/usr/bin/env bash
# The long versions of the reliability runs (the suite runs short ones):
# thousands of kill -9s, the model-based property test with many cases, RSS
# over a million tracked events, and thousands of trials of 8 processes and
# of 6 threads opening one new, healthy or damaged file at once.
#   usage: scripts/reliability-long.sh [KILLS] [PROPTEST_CASES] [RSS_EVENTS] [OPEN_TRIALS]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$SESSIONCORE_ROOT"
SESSIONCORE_KILLS="${1:-5000}" cargo test --release -p sessioncore --test reliability kill -- --nocapture
PROPTEST_CASES="${2:-2000}" cargo test --release -p sessioncore-conformance --test model -- --nocapture
SESSIONCORE_RSS_EVENTS="${3:-1000000}" cargo test --release -p sessioncore --test memory -- --nocapture
SESSIONCORE_OPEN_TRIALS="${4:-1000}" cargo test --release -p sessioncore --test concurrent_open -- --nocapture --test-threads=1
