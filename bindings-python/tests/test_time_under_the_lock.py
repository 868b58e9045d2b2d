"""Time under the lock through the Python wrapper: threads and processes
tracking at once on one file with the real clock (no `at`). The core reads
the clocks after it holds the write lock, so no event is judged earlier
than the stored last activity (the spurious `clockMovedBackwards` sessions
that reading the clock in the wrapper caused), each session's event indexes
are exactly 1..n, and with zero timeouts the sessions' start times follow
commit order. Mirrors core/tests/time_under_the_lock.rs."""

import multiprocessing
import threading
from collections import defaultdict

from sessioncore import NewSessionReason, SessionTracker, TrackerConfig

THREADS, PROCESSES, EVENTS = 4, 3, 100


def _config(zero_timeouts: bool) -> TrackerConfig:
    return TrackerConfig(foreground_timeout_ms=0, background_timeout_ms=0) if zero_timeouts else TrackerConfig()


def _track_from_threads(db: str, zero_timeouts: bool) -> list:
    """THREADS threads: even ones share one tracker, odd ones open their own."""
    shared = SessionTracker(db, config=_config(zero_timeouts))
    seen, lock = [], threading.Lock()

    def run(tracker):
        for _ in range(EVENTS):
            e = tracker.track()
            with lock:
                seen.append((e.session_id, e.session_index, e.event_index, e.session_start_ms, e.new_session_reason))

    trackers = [shared if t % 2 == 0 else SessionTracker(db, config=_config(zero_timeouts)) for t in range(THREADS)]
    workers = [threading.Thread(target=run, args=(t,)) for t in trackers]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return seen


def _child(db: str, zero_timeouts: bool, queue) -> None:
    queue.put([(s, i, e, start, r.name if r else None) for s, i, e, start, r in _track_from_threads(db, zero_timeouts)])


def _track_everywhere(db: str, zero_timeouts: bool) -> list:
    SessionTracker(db, config=_config(zero_timeouts)).close()  # created before the race
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    children = [context.Process(target=_child, args=(db, zero_timeouts, queue)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    seen = [(s, i, e, start, r.name if r else None) for s, i, e, start, r in _track_from_threads(db, zero_timeouts)]
    for _ in children:
        seen.extend(queue.get(timeout=120))
    for child in children:
        child.join(timeout=120)
        assert child.exitcode == 0
    assert len(seen) == (PROCESSES + 1) * THREADS * EVENTS
    backwards = sum(1 for *_, reason in seen if reason == NewSessionReason.CLOCK_MOVED_BACKWARDS.name)
    sessions = defaultdict(list)
    for session_id, index, event_index, _, _ in seen:
        sessions[index].append((session_id, event_index))
    print(f"{THREADS} threads x {PROCESSES} processes (and this one), {len(seen)} events, "
          f"{len(sessions)} sessions, {backwards} clockMovedBackwards")
    assert backwards == 0
    for index, events in sessions.items():
        assert sorted(e for _, e in events) == list(range(1, len(events) + 1)), f"session {index}: 1..n"
        assert len({s for s, _ in events}) == 1
    assert sorted(sessions) == list(range(1, len(sessions) + 1))
    return seen


def test_one_session_for_every_caller_with_the_default_timeouts(tmp_path):
    seen = _track_everywhere(str(tmp_path / "sessions.db"), zero_timeouts=False)
    assert {index for _, index, *_ in seen} == {1}


def test_session_starts_follow_commit_order_with_zero_timeouts(tmp_path):
    seen = _track_everywhere(str(tmp_path / "sessions.db"), zero_timeouts=True)
    starts = dict(sorted((index, start) for _, index, _, start, _ in seen))
    values = list(starts.values())
    went_back = sum(1 for a, b in zip(values, values[1:]) if b < a)
    print(f"{len(starts)} sessions, {went_back} started earlier than the one before")
    assert went_back == 0
