"""Every conformance scenario, each as its own test."""

import os
from pathlib import Path

import pytest

from conftest import scenario_files
from scenario_runner import replay

FILES = scenario_files()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path, results):
    try:
        replay(path)
    except Exception as failure:
        results.append(f"{path.stem}\tfail\t{failure}")
        raise
    results.append(f"{path.stem}\tpass\t")


@pytest.fixture(scope="session")
def results():
    lines = []
    yield lines
    out = os.environ.get("SESSIONCORE_RESULTS_DIR")
    if out:
        Path(out, "python.tsv").write_text("".join(f"{line}\n" for line in lines))


def test_there_are_scenarios():
    assert len(FILES) >= 40
