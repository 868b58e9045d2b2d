"""Python's conformance driver: runs the steps the checker resolved
(tests/conformance) through the public wrapper and returns the trace. What
the trace must say is the checker's business, not this file's."""

from __future__ import annotations

import enum
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

from sessioncore import (BootClockReading, ClockReading, Durability, ImportedState, SessionCoreError, SessionTracker,
                         TrackerConfig)


class Driver:
    def __init__(self, resolved: dict) -> None:
        self.dir = tempfile.TemporaryDirectory(prefix="sessioncore-py-")
        self.db = str(Path(self.dir.name, "sessions.db"))
        self.config = config(resolved["config"])
        self.steps = resolved["steps"]
        self.trackers: dict[str, SessionTracker] = {}  # in order of first use

    def trace(self) -> str:
        try:
            return "".join(json.dumps(self.line(n, step)) + "\n" for n, step in enumerate(self.steps))
        finally:
            for tracker in self.trackers.values():
                tracker.close()
            self.dir.cleanup()

    def line(self, number: int, step: dict) -> dict:
        returned, error = outcome(lambda: self.call(step))
        getters, getters_error = outcome(lambda: self.getters(self.tracker(step["namespace"])))
        return {"step": number, "op": step["op"], "returned": returned, "error": error,
                "getters": getters if getters_error is None else {"error": getters_error}}

    def open(self, namespace: str, config: TrackerConfig) -> SessionTracker:
        return SessionTracker(self.db, namespace, config)

    def tracker(self, namespace: str) -> SessionTracker:
        if namespace not in self.trackers:
            self.trackers[namespace] = self.open(namespace, self.config)
        return self.trackers[namespace]

    def restart(self, next_config: TrackerConfig) -> None:
        """Closes every tracker, then reopens each with `next_config`, or with
        the configuration in effect when `next_config` is refused."""
        for tracker in self.trackers.values():
            tracker.close()
        refused = None
        for namespace in self.trackers:
            try:
                self.trackers[namespace] = self.open(namespace, next_config)
            except SessionCoreError as error:
                refused = error
                self.trackers[namespace] = self.open(namespace, self.config)
        if refused is not None:
            raise refused
        self.config = next_config

    def call(self, step: dict):
        op = step["op"]
        if op == "restart":
            return self.restart(config(step["config"]))
        tracker = self.tracker(step["namespace"])
        at = step["at"] and ClockReading(
            wall_ms=step["at"]["wallMs"], boot=step["at"]["boot"] and BootClockReading(**snake_keys(step["at"]["boot"])))
        calls = {
            "track": lambda: tracker.track(step["eventId"], at),
            "background": lambda: tracker.background(step["eventId"], at),
            "foreground": lambda: tracker.foreground(step["eventId"], at),
            "launch": lambda: tracker.launch(step["inBackground"]),
            "startNewSession": tracker.start_new_session,
            "pause": tracker.pause,
            "resume": tracker.resume,
            "setAnonymous": lambda: tracker.set_anonymous(step["value"]),
            "setAppUserId": lambda: tracker.set_app_user_id(step["value"]),
            "startManualSession": lambda: tracker.start_manual_session(step["customId"], at),
            "endSession": tracker.end_session,
            "expireIfIdle": lambda: tracker.expire_if_idle(at),
            "reset": lambda: tracker.reset(step["newUserId"]),
            "importState": lambda: tracker.import_state(ImportedState(**snake_keys(step["importedState"]))),
            "seedIndexes": lambda: tracker.set_indexes_for_testing(step["sessionIndex"], step["eventIndex"]),
            "open": lambda: None,
            "check": lambda: None,
        }
        return calls[op]()

    @staticmethod
    def getters(t: SessionTracker) -> dict:
        return {"userId": t.user_id, "sessionId": t.session_id, "sessionIndex": t.session_index,
                "isInBackground": t.is_in_background, "backgroundIndex": t.background_index,
                "foregroundIndex": t.foreground_index, "state": t.state}


def outcome(call):
    try:
        return as_json(call()), None
    except SessionCoreError as error:
        return None, type(error).__name__


def camel(name: str) -> str:
    first, *rest = name.lower().split("_")
    return first + "".join(part.capitalize() for part in rest)


def as_json(value):
    """A value as the trace spells it: records by their fields, enum cases in camelCase."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, enum.Enum):
        return camel(value.name)
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    return {camel(key): as_json(item) for key, item in vars(value).items()}


def config(c: dict) -> TrackerConfig:
    durability = c["durability"] and Durability[c["durability"].upper()]
    return TrackerConfig(**snake_keys({**c, "durability": durability}))


def snake_keys(record: dict) -> dict:
    return {"".join(f"_{c.lower()}" if c.isupper() else c for c in key): value for key, value in record.items()}


def checker(*args: str) -> tuple[bool, str]:
    """Runs the `conformance` binary: (succeeded, its output or why not)."""
    binary = os.environ.get("SESSIONCORE_CHECKER") or "SESSIONCORE_CHECKER is not set (scripts/test-python.sh sets it)"
    done = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)
    return done.returncode == 0, done.stdout if done.returncode == 0 else done.stderr.strip()


def replay(path: Path, results_key: Optional[str] = None) -> Optional[str]:
    """Resolve, drive, check: None when the trace meets the scenario, else the checker's verdict."""
    resolved, text = checker("resolve", str(path))
    if not resolved:
        return text
    results = os.environ.get("SESSIONCORE_RESULTS_DIR")
    with tempfile.TemporaryDirectory() as scratch:
        trace = Path(results, "traces", results_key) if results and results_key else Path(scratch)
        trace.mkdir(parents=True, exist_ok=True)
        trace = trace / f"{path.stem}.jsonl"
        trace.write_text(Driver(json.loads(text)).trace())
        passed, verdict = checker("check", str(path), str(trace))
    return None if passed else verdict
