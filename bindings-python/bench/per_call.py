"""Per-call cost of the Python binding: `track` and a trivial getter, on a
tmpfs database so that no fsync hides the binding's own cost. Reports the
median per call over repeated rounds, with the median absolute deviation.
usage: python3 bench/per_call.py [ROUNDS] [CALLS_PER_ROUND]"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sessioncore import SessionTracker  # noqa: E402


def per_call_ns(call, calls: int, rounds: int) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(calls):
            call()
        samples.append((time.perf_counter_ns() - start) / calls)
    median = statistics.median(samples)
    return median, statistics.median(abs(s - median) for s in samples)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(prefix="sessioncore-pybench-", dir=base) as directory:
        with SessionTracker(str(Path(directory) / "sessions.db")) as tracker:
            tracker.track()
            results = {
                "track": per_call_ns(tracker.track, calls, rounds),
                "getter_session_index": per_call_ns(lambda: tracker.session_index, calls, rounds),
            }
    print(json.dumps({name: {"median_ns": m, "mad_ns": d} for name, (m, d) in results.items()}))


if __name__ == "__main__":
    main()
