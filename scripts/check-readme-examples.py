#!/usr/bin/env python3
"""Checks that every README usage example is code that a test compiles and
runs: each test file marks its example between `README example: <lang>` and
`end README example`, and README.md must contain that text (dedented) as a
fenced code block. Prints `docs: N passed, M failed`."""

import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "rust": ROOT / "core/tests/readme_example.rs",
    "kotlin": ROOT / "bindings-kotlin/src/test/kotlin/dev/sessioncore/ApiTest.kt",
    "swift": ROOT / "bindings-swift/Tests/SessionCoreTests/ApiTests.swift",
    "python": ROOT / "bindings-python/tests/test_api.py",
    "dart": ROOT / "bindings-dart/test/api_test.dart",
}
MARKER = re.compile(r"^[ \t]*(?://|#) README example: (\w+)\n(.*?)^[ \t]*(?://|#) end README example", re.M | re.S)


def main() -> int:
    readme = (ROOT / "README.md").read_text()
    blocks = set(re.findall(r"^```\w*\n(.*?)^```", readme, re.M | re.S))
    passed, failed = 0, 0
    for language, path in SOURCES.items():
        found = [m for m in MARKER.finditer(path.read_text()) if m.group(1) == language] if path.exists() else []
        if not found:
            print(f"FAIL {language}: no README example marked in {path.relative_to(ROOT)}")
            failed += 1
            continue
        example = textwrap.dedent(found[0].group(2))
        if example in blocks:
            passed += 1
        else:
            print(f"FAIL {language}: README.md has no code block equal to the example in {path.relative_to(ROOT)}:\n{example}")
            failed += 1
    print(f"docs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
