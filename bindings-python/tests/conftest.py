import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings-python"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def scenario_files():
    dirs = [ROOT / "tests" / "scenarios"]
    extra = os.environ.get("SESSIONCORE_SCENARIOS")
    if extra:
        dirs.append(Path(extra))
    return sorted(path for d in dirs for path in d.glob("*.json"))
