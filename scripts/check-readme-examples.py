#!/usr/bin/env python3
"""Checks that every README usage example is code that a test compiles and
runs: each test file marks its example between `README example: <name>` and
`end README example`, and README.md (and, for a platform's quickstart, its
integration guide) must contain that text (dedented) as a fenced code block.
Prints `docs: N passed, M failed`."""

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
    "android": ROOT / "bindings-kotlin/src/test/kotlin/dev/sessioncore/android/SessionLifecycleObserverTest.kt",
    "ios": ROOT / "bindings-swift/Tests/SessionCoreTests/LifecycleTests.swift",
    "flutter": ROOT / "bindings-dart/test/lifecycle_test.dart",
}
# The quickstarts are shown in the integration guides too.
GUIDES = {name: ROOT / f"docs/integration-{name}.md" for name in ("android", "ios", "flutter")}
MARKER = re.compile(r"^[ \t]*(?://|#) README example: (\w+)\n(.*?)^[ \t]*(?://|#) end README example", re.M | re.S)


def code_blocks(document: Path) -> set[str]:
    return set(re.findall(r"^```\w*\n(.*?)^```", document.read_text(), re.M | re.S))


def main() -> int:
    passed, failed = 0, 0
    for language, path in SOURCES.items():
        found = [m for m in MARKER.finditer(path.read_text()) if m.group(1) == language] if path.exists() else []
        if not found:
            print(f"FAIL {language}: no README example marked in {path.relative_to(ROOT)}")
            failed += 1
            continue
        example = textwrap.dedent(found[0].group(2))
        for document in [ROOT / "README.md", *([GUIDES[language]] if language in GUIDES else [])]:
            if example in code_blocks(document):
                passed += 1
            else:
                print(f"FAIL {language}: {document.relative_to(ROOT)} has no code block equal to the example in {path.relative_to(ROOT)}:\n{example}")
                failed += 1
    print(f"docs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
