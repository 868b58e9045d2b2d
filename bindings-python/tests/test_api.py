"""The Python API beyond the scenarios: typed errors, closing, listeners,
two trackers on one file."""

import os
import tempfile
from pathlib import Path

import pytest

from sessioncore import ClockReading, SessionCoreError, SessionTracker, TrackerConfig

T0 = 1_700_000_000_000


@pytest.fixture
def db():
    with tempfile.TemporaryDirectory(prefix="sessioncore-py-api-") as directory:
        yield str(Path(directory) / "sessions.db")


def test_readme_example(db):
    # README example: python
    from sessioncore import SessionTracker, TrackerConfig

    def on_session_update(event):
        print("new session", event.session_id, event.new_session_reason)

    with SessionTracker(db, "default", TrackerConfig(background_timeout_ms=600_000),
                        on_session_update=on_session_update) as tracker:
        event = tracker.track()
        context = event.snowplow_context_json  # attach to the Snowplow event
        tracker.background()
        print(tracker.session_index, tracker.is_in_background)
    # end README example
    assert event.is_new_session and '"sessionIndex":1' in context


def test_invalid_config_names_the_field(db):
    with pytest.raises(SessionCoreError.InvalidConfig) as raised:
        SessionTracker(db, config=TrackerConfig(foreground_timeout_ms=-1))
    assert raised.value.field == "foregroundTimeoutMs"
    with pytest.raises(SessionCoreError.InvalidConfig):
        SessionTracker(db, namespace="")
    assert not os.path.exists(db)


def test_bad_custom_id_and_event_id_are_invalid_arguments(db):
    with SessionTracker(db) as tracker:
        with pytest.raises(SessionCoreError.InvalidArgument) as raised:
            tracker.start_manual_session(123)
        assert raised.value.argument == "customId"
        with pytest.raises(SessionCoreError.InvalidArgument):
            tracker.track("not-a-uuid")
        assert tracker.session_id is None


def test_unwritable_path_is_a_storage_error(db):
    with pytest.raises(SessionCoreError.Storage):
        SessionTracker(str(Path(db).parent / "missing" / "dir" / "sessions.db"))


def test_closed_tracker_raises_closed(db):
    tracker = SessionTracker(db)
    tracker.close()
    with pytest.raises(SessionCoreError.Closed):
        tracker.track()


def test_listener_is_called_once_per_new_session(db):
    now = T0
    seen = []
    config = TrackerConfig(foreground_timeout_ms=1000)
    with SessionTracker(db, config=config, on_session_update=seen.append) as tracker:
        for step in (0, 10, 10, 5000, 10):
            now += step
            tracker.track(at=ClockReading(wall_ms=now, boot=None))
    assert [e.session_index for e in seen] == [1, 2]
    assert [e.event_index for e in seen] == [1, 1]


def test_two_trackers_on_one_file_stay_consistent(db):
    with SessionTracker(db) as a, SessionTracker(db) as b:
        first = a.track()
        assert b.session_id == first.session_id
        assert b.track().event_index == 2
        assert a.track().event_index == 3
        assert a.user_id == b.user_id


def _set_user_version(path: str, version: int) -> None:
    # user_version is the big-endian int at byte 60 of the database header.
    with open(path, "r+b") as f:
        f.seek(60)
        f.write(version.to_bytes(4, "big"))


def test_a_file_that_is_not_a_database_is_recovered_not_a_crash(db):
    Path(db).write_bytes(b"definitely not sqlite " * 400)
    with SessionTracker(db) as tracker:
        assert tracker.recovery is not None
        assert Path(tracker.recovery.moved_to).read_bytes().startswith(b"definitely not sqlite")
        assert tracker.track().is_new_session


def test_a_newer_schema_is_refused_untouched(db):
    with SessionTracker(db) as tracker:
        tracker.track()
    _set_user_version(db, 99)
    before = Path(db).read_bytes()
    with pytest.raises(SessionCoreError.Storage) as raised:
        SessionTracker(db)
    assert "newer" in raised.value.detail
    assert Path(db).read_bytes() == before
