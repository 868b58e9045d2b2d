"""Threads of one Python process, each with its own tracker, opening one
new or damaged file at the same instant (rule 17): no crash, no error, one
userId, the damaged file moved aside exactly once, and every recovery that
is reported names that one move."""

import tempfile
import threading
from pathlib import Path

import pytest

from sessioncore import SessionTracker

THREADS = 6
TRIALS = 20
JUNK = bytes((i * 2654435761 >> 13) & 0xFF for i in range(8192))


def open_at_once(db: Path):
    """Opens `db` from THREADS threads released together; returns each
    thread's (userId, movedTo) or the exception it raised."""
    barrier = threading.Barrier(THREADS)
    outcomes = [None] * THREADS

    def opener(slot):
        barrier.wait()
        try:
            with SessionTracker(str(db)) as tracker:
                tracker.track()
                recovery = tracker.recovery
                outcomes[slot] = (tracker.user_id, recovery.moved_to if recovery else None)
        except Exception as error:  # noqa: BLE001 - every failure is reported below
            outcomes[slot] = error

    threads = [threading.Thread(target=opener, args=(slot,)) for slot in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("damaged", [False, True], ids=["new", "damaged"])
def test_threads_opening_one_file_at_once(damaged):
    errors, user_ids, reports = [], set(), 0
    for _ in range(TRIALS):
        with tempfile.TemporaryDirectory(prefix="sessioncore-py-concurrent-") as directory:
            db = Path(directory) / "sessions.db"
            if damaged:
                db.write_bytes(JUNK)
            outcomes = open_at_once(db)
            errors += [o for o in outcomes if isinstance(o, Exception)]
            opened = [o for o in outcomes if not isinstance(o, Exception)]
            with SessionTracker(str(db)) as reopened:
                trial_user_ids = {user_id for user_id, _ in opened} | {reopened.user_id}
            assert len(trial_user_ids) == 1, trial_user_ids
            user_ids |= trial_user_ids
            moved = sorted(p.name for p in Path(directory).glob("sessions.db.corrupt-*"))
            if damaged:
                assert moved == ["sessions.db.corrupt-1"], moved
                assert (Path(directory) / moved[0]).read_bytes() == JUNK
                reported = {moved_to for _, moved_to in opened if moved_to is not None}
                assert reported == {str(db) + ".corrupt-1"}, reported
                reports += sum(1 for _, moved_to in opened if moved_to is not None)
            else:
                assert moved == []
    print(f"{TRIALS} trials of {THREADS} threads: {len(errors)} errors, "
          f"{len(user_ids)} userIds, {reports} recoveries reported")
    assert errors == []
    assert len(user_ids) == TRIALS
