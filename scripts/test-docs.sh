#!/usr/bin/env bash
# Docs: the README's usage examples are the ones the tests compile and run.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
python3 "$SESSIONCORE_ROOT/scripts/check-readme-examples.py"
