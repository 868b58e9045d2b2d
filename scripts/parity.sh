#!/usr/bin/env bash
# One table, scenario x language, from the result files the runners write
# (<language>.tsv: name, pass|fail|skip, detail). Fails when a scenario did
# not pass in every language that ran, or a language reported no results.
#   usage: scripts/parity.sh RESULTS_DIR   (scripts/test.sh calls it)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
results="${1:?usage: parity.sh RESULTS_DIR}"
python3 - "$results" <<'PY'
import sys
from pathlib import Path

results = Path(sys.argv[1])
columns = [("rust", "Rust"), ("kotlin", "Kotlin"), ("swift", "Swift"), ("python", "Python"), ("dart", "Dart-static")]
table, present = {}, []
for key, title in columns:
    path = results / f"{key}.tsv"
    if not path.exists():
        continue
    present.append((key, title))
    for line in path.read_text().splitlines():
        name, outcome, *_ = line.split("\t") + [""]
        table.setdefault(name, {})[key] = outcome
if not present:
    print("parity: no results found")
    sys.exit(1)
width = max(len(n) for n in table) if table else 10
print(f"{'scenario':<{width}}  " + "  ".join(f"{t:<11}" for _, t in present))
disagree = []
for name in sorted(table):
    row = table[name]
    cells = [row.get(key, "missing") for key, _ in present]
    print(f"{name:<{width}}  " + "  ".join(f"{c:<11}" for c in cells))
    if any(c not in ("pass", "skip") for c in cells):
        disagree.append(name)
print(f"parity: {len(table)} scenarios x {len(present)} languages; {len(disagree)} not passing everywhere")
sys.exit(1 if disagree else 0)
PY
