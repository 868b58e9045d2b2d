#!/usr/bin/env python3
"""Prints criterion's results of one group as a Markdown table: the median
per iteration, the median absolute deviation, and the ratio to a baseline
row measured in the same run.
usage: scripts/bench-table.py GROUP BASELINE [target/criterion]"""

import json
import sys
from pathlib import Path


def fmt(ns: float) -> str:
    for unit, scale in (("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.2f} {unit}"
    return f"{ns:.0f} ns"


def main() -> None:
    group, baseline = sys.argv[1], sys.argv[2]
    root = Path(sys.argv[3] if len(sys.argv) > 3 else "target/criterion") / group
    rows = {}
    for estimates in sorted(root.glob("*/new/estimates.json")):
        data = json.loads(estimates.read_text())
        rows[estimates.parts[-3]] = (data["median"]["point_estimate"], data["median_abs_dev"]["point_estimate"])
    if baseline not in rows:
        sys.exit(f"no baseline row {baseline!r} under {root}")
    base = rows[baseline][0]
    print("| benchmark | median | MAD (spread) | × baseline |")
    print("|---|---:|---:|---:|")
    for name, (median, mad) in rows.items():
        print(f"| `{name}` | {fmt(median)} | ±{fmt(mad)} | {median / base:.2f} |")


if __name__ == "__main__":
    main()
