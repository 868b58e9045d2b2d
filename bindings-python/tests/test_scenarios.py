"""Every conformance scenario through the Python driver and the checker."""

import os
from pathlib import Path

import pytest

from conftest import ROOT, scenario_files
from scenario_driver import replay

FILES = scenario_files()
NEGATIVE = ROOT / "tests" / "conformance" / "negative"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path, results):
    failure = replay(path, "python")
    results.append(f"{path.stem}\t{'fail' if failure else 'pass'}\t{failure or ''}")
    assert failure is None, failure


@pytest.fixture(scope="session")
def results():
    lines = []
    yield lines
    out = os.environ.get("SESSIONCORE_RESULTS_DIR")
    if out:
        Path(out, "python.tsv").write_text("".join(f"{line}\n" for line in sorted(lines)))


def test_there_are_scenarios():
    assert len(FILES) >= 40


def test_a_wrong_expectation_fails_the_run():
    assert replay(NEGATIVE / "wrong-expectation.json") == "wrong-expectation step 2 `track`: eventIndex: expected 3, got 2"


def test_an_unknown_op_is_refused_before_anything_runs():
    assert "unknown variant `trak`" in replay(NEGATIVE / "unknown-op.json")
