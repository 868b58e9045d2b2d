"""Replays one conformance scenario (docs/scenario-format.md) through the
Python wrapper. The Rust runner (core/src/scenario/) is the reference."""

from __future__ import annotations

import json
import re
import tempfile
import uuid
from pathlib import Path
from typing import Any, Optional

from sessioncore import SessionCoreError, SessionEvent, SessionState, SessionTracker, TrackerConfig

NIL_UUID = "00000000-0000-0000-0000-000000000000"
SCHEMA = "iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2"

TOP_KEYS = {"name", "rules", "description", "config", "startMs", "steps"}
CONFIG_KEYS = {"foregroundTimeoutMs", "backgroundTimeoutMs", "continueSessionOnRestart", "maxSessionDurationMs", "anonymous"}
COMMON_KEYS = {"op", "namespace", "comment", "expect", "state", "expectError"}
OP_FIELDS = {  # op: (required, optional)
    "track": ({"at"}, {"eventId"}),
    "background": ({"at"}, {"eventId"}),
    "foreground": ({"at"}, {"eventId"}),
    "restart": (set(), {"config"}),
    "startNewSession": (set(), set()),
    "pause": (set(), set()),
    "resume": (set(), set()),
    "setAnonymous": ({"value"}, set()),
    "setAppUserId": ({"value"}, set()),
    "startManualSession": ({"at"}, {"customId"}),
    "endSession": (set(), set()),
    "check": (set(), {"at"}),
    "seedIndexes": ({"sessionIndex", "eventIndex"}, set()),
}
EVENT_OPS = {"track", "background", "foreground"}
EXPECT_KEYS = {"entity", "session", "previousSession", "sessionIndex", "eventIndex", "firstEventId", "firstEventAt",
               "userId", "appUserId", "isNewSession", "newSessionReason", "rudderSessionId", "amplitudeSessionId"}
STATE_KEYS = {"session", "previousSession", "sessionIndex", "eventIndex", "isInBackground", "foregroundIndex",
              "backgroundIndex", "userId", "appUserId"}
ERROR_KINDS = {"InvalidConfig", "InvalidArgument", "Storage", "Closed", "Internal"}


class ScenarioError(AssertionError):
    pass


def load(path: Path) -> dict:
    scenario = json.loads(path.read_text())
    unknown(scenario, TOP_KEYS, "scenario")
    unknown(scenario.get("config", {}), CONFIG_KEYS, "config")
    if scenario["name"] != path.stem:
        raise ScenarioError(f"name {scenario['name']!r} is not the file name {path.stem!r}")
    for number, step in enumerate(scenario["steps"], 1):
        op = step.get("op")
        if op not in OP_FIELDS:
            raise ScenarioError(f"step {number}: unknown op {op!r}")
        required, optional = OP_FIELDS[op]
        allowed = COMMON_KEYS | required | optional
        unknown(step, allowed, f"step {number} ({op})")
        missing = required - step.keys()
        if missing:
            raise ScenarioError(f"step {number}: op {op} needs {sorted(missing)}")
        if "expect" in step and op not in EVENT_OPS:
            raise ScenarioError(f"step {number}: op {op} does not take expect")
        unknown(step.get("expect", {}), EXPECT_KEYS, f"step {number} expect")
        unknown(step.get("state", {}), STATE_KEYS, f"step {number} state")
        unknown(step.get("config", {}), CONFIG_KEYS, f"step {number} config")
        if "expectError" in step and step["expectError"] not in ERROR_KINDS:
            raise ScenarioError(f"step {number}: unknown error kind {step['expectError']!r}")
    return scenario


def unknown(mapping: dict, known: set, where: str) -> None:
    extra = set(mapping) - known
    if extra:
        raise ScenarioError(f"{where}: unknown keys {sorted(extra)}")


def merged(config: TrackerConfig, patch: dict) -> TrackerConfig:
    return TrackerConfig(
        foreground_timeout_ms=patch.get("foregroundTimeoutMs", config.foreground_timeout_ms),
        background_timeout_ms=patch.get("backgroundTimeoutMs", config.background_timeout_ms),
        continue_session_on_restart=patch.get("continueSessionOnRestart", config.continue_session_on_restart),
        max_session_duration_ms=patch.get("maxSessionDurationMs", config.max_session_duration_ms),
        anonymous=patch.get("anonymous", config.anonymous),
    )


def reason_name(reason) -> Optional[str]:
    """NewSessionReason.FIRST_SESSION -> "firstSession", as scenarios spell it."""
    if reason is None:
        return None
    head, *rest = reason.name.lower().split("_")
    return head + "".join(part.capitalize() for part in rest)


class Labels:
    def __init__(self) -> None:
        self.by_label: dict[str, str] = {}
        self.by_value: dict[str, str] = {}

    def check(self, what: str, label: str, actual: str) -> None:
        bound = self.by_label.get(label)
        if bound is not None:
            if bound != actual:
                raise ScenarioError(f"{what}: expected {label} ({bound}), got {actual}")
            return
        if actual in self.by_value:
            raise ScenarioError(f"{what}: expected a new id for {label}, got {actual}, which is {self.by_value[actual]}")
        self.by_label[label] = actual
        self.by_value[actual] = label

    def id_for(self, label: str) -> str:
        if label not in self.by_label:
            value = str(uuid.uuid4())
            self.by_label[label] = value
            self.by_value[value] = label
        return self.by_label[label]


class ManualClock:
    def __init__(self) -> None:
        self.now_ms = 0

    def __call__(self) -> int:
        return self.now_ms


class Replay:
    def __init__(self, scenario: dict, directory: Path) -> None:
        self.scenario = scenario
        self.db = str(directory / "sessions.db")
        self.config = merged(TrackerConfig(), scenario.get("config", {}))
        self.clock = ManualClock()
        self.trackers: dict[str, SessionTracker] = {}  # insertion order = order of first use
        self.sessions, self.users, self.events = Labels(), Labels(), Labels()
        self.tracker("default")

    def open(self, namespace: str, config: TrackerConfig) -> SessionTracker:
        return SessionTracker(self.db, namespace, config, clock=self.clock)

    def tracker(self, namespace: str) -> SessionTracker:
        if namespace not in self.trackers:
            self.trackers[namespace] = self.open(namespace, self.config)
        return self.trackers[namespace]

    def restart(self, patch: dict) -> None:
        config = merged(self.config, patch)
        for tracker in self.trackers.values():
            tracker.close()
        failure = None
        for namespace in self.trackers:
            try:
                self.trackers[namespace] = self.open(namespace, config)
            except SessionCoreError as error:
                failure = error
                self.trackers[namespace] = self.open(namespace, self.config)
        if failure is not None:
            raise failure
        self.config = config

    def run(self) -> None:
        for number, step in enumerate(self.scenario["steps"], 1):
            try:
                self.step(step)
            except ScenarioError as failure:
                raise ScenarioError(f"step {number} ({step['op']}): {failure}") from None

    def step(self, step: dict) -> None:
        expected_error = step.get("expectError")
        try:
            event = self.call(step)
        except SessionCoreError as error:
            kind = type(error).__name__
            if expected_error != kind:
                raise ScenarioError(f"unexpected error: {kind} ({error})") from None
            event = None
        else:
            if expected_error is not None:
                raise ScenarioError(f"expected a {expected_error} error, the call succeeded")
        if event is not None:
            check_consistency(event)
        if "expect" in step:
            self.check_event(step["expect"], event)
        if "state" in step:
            self.check_state(step["state"], self.tracker(step.get("namespace", "default")).state)

    def call(self, step: dict) -> Optional[SessionEvent]:
        op = step["op"]
        if op == "restart":
            self.restart(step.get("config", {}))
            return None
        tracker = self.tracker(step.get("namespace", "default"))
        self.clock.now_ms = self.scenario["startMs"] + step.get("at", 0)
        event_id = self.events.id_for(step["eventId"]) if "eventId" in step else None
        if op == "track":
            return tracker.track(event_id)
        if op == "background":
            return tracker.background(event_id)
        if op == "foreground":
            return tracker.foreground(event_id)
        if op == "startNewSession":
            tracker.start_new_session()
        elif op == "pause":
            tracker.pause()
        elif op == "resume":
            tracker.resume()
        elif op == "setAnonymous":
            tracker.set_anonymous(step["value"])
        elif op == "setAppUserId":
            tracker.set_app_user_id(step["value"])
        elif op == "startManualSession":
            tracker.start_manual_session(step.get("customId"))
        elif op == "endSession":
            tracker.end_session()
        elif op == "seedIndexes":
            tracker.set_indexes_for_testing(step["sessionIndex"], step["eventIndex"])
        return None

    def check_event(self, expect: dict, event: Optional[SessionEvent]) -> None:
        if event is None:
            if "entity" in expect and expect["entity"] is None:
                return
            raise ScenarioError("expected an entity, got none")
        if "entity" in expect and expect["entity"] is None:
            raise ScenarioError(f"expected no entity, got session {event.session_id}")
        if "session" in expect:
            self.check_session("session", expect["session"], event.session_id)
        if "previousSession" in expect:
            self.check_session("previousSession", expect["previousSession"], event.previous_session_id)
        if "userId" in expect:
            self.check_user(expect["userId"], event.user_id)
        if "firstEventId" in expect:
            self.events.check("firstEventId", expect["firstEventId"], event.first_event_id)
        start = self.scenario["startMs"]
        actual = {
            "sessionIndex": event.session_index,
            "eventIndex": event.event_index,
            "firstEventAt": event.first_event_timestamp_ms - start,
            "appUserId": event.app_user_id,
            "isNewSession": event.is_new_session,
            "newSessionReason": reason_name(event.new_session_reason),
            "rudderSessionId": event.rudderstack_session_id,
            "amplitudeSessionId": event.amplitude_session_id,
        }
        compare(expect, actual)

    def check_state(self, expect: dict, state: SessionState) -> None:
        if "session" in expect:
            self.check_session("state session", expect["session"], state.session_id)
        if "previousSession" in expect:
            self.check_session("state previousSession", expect["previousSession"], state.previous_session_id)
        if "userId" in expect:
            self.check_user(expect["userId"], state.user_id)
        actual = {
            "sessionIndex": state.session_index,
            "eventIndex": state.event_index,
            "isInBackground": state.is_in_background,
            "foregroundIndex": state.foreground_index,
            "backgroundIndex": state.background_index,
            "appUserId": state.app_user_id,
        }
        compare(expect, actual, "state ")

    def check_session(self, what: str, label: Optional[str], actual: Optional[str]) -> None:
        if label is None or actual is None:
            if label != actual:
                raise ScenarioError(f"{what}: expected {label}, got {actual}")
            return
        self.sessions.check(what, label, actual)

    def check_user(self, label: str, actual: str) -> None:
        if label == "anonymous" or actual == NIL_UUID:
            if (label == "anonymous") != (actual == NIL_UUID):
                raise ScenarioError(f"userId: expected {label}, got {actual}")
            return
        self.users.check("userId", label, actual)


def compare(expect: dict, actual: dict, prefix: str = "") -> None:
    for key, value in actual.items():
        if key in expect and expect[key] != value:
            raise ScenarioError(f"{prefix}{key}: expected {expect[key]!r}, got {value!r}")


UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def check_consistency(event: SessionEvent) -> None:
    """Rule 12: the Snowplow JSON says what the record says, in schema shape."""
    entity = json.loads(event.snowplow_context_json)
    data = entity["data"]
    expected = {
        "userId": event.user_id,
        "sessionId": event.session_id,
        "sessionIndex": event.session_index,
        "previousSessionId": event.previous_session_id,
        "storageMechanism": "SQLITE",
        "firstEventId": event.first_event_id,
        "eventIndex": event.event_index,
    }
    if entity["schema"] != SCHEMA or {k: data.get(k) for k in expected} != expected:
        raise ScenarioError(f"entity JSON {entity} disagrees with the record")
    if not all(UUID.match(data[k]) for k in ("userId", "sessionId", "firstEventId")):
        raise ScenarioError(f"entity ids are not lower-case UUIDs: {data}")
    if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", data["firstEventTimestamp"]):
        raise ScenarioError(f"firstEventTimestamp is not ISO 8601 with ms: {data['firstEventTimestamp']}")


def replay(path: Path) -> None:
    scenario = load(path)
    with tempfile.TemporaryDirectory(prefix="sessioncore-py-") as directory:
        Replay(scenario, Path(directory)).run()
