#!/usr/bin/env python3
"""Checks that every usage example in the README and the integration guides
is code that a test compiles and runs: a test marks its example between
`README example: <name>` and `end README example`, and the documents the
name points to must contain that text (dedented) as a fenced code block.
- a language's name (rust, kotlin, ...): README.md; every language has one;
- a platform's name (android, ios, flutter): README.md and that platform's
  integration guide; every platform has one;
- `<platform>_<topic>` (e.g. ios_session_end): that platform's guide only;
- `<language>_<topic>` (e.g. dart_session_end): README.md only.
Prints `docs: N passed, M failed`."""

import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("rust", "kotlin", "swift", "python", "dart")
PLATFORMS = ("android", "ios", "flutter")
TESTS = ["core/tests", "bindings-kotlin/src/test", "bindings-swift/Tests", "bindings-python/tests", "bindings-dart/test"]
SUFFIXES = {".rs", ".kt", ".swift", ".py", ".dart"}
MARKER = re.compile(r"^[ \t]*(?://|#) README example: (\w+)\n(.*?)^[ \t]*(?://|#) end README example", re.M | re.S)


def guide(platform: str) -> Path:
    return ROOT / f"docs/integration-{platform}.md"


def documents_for(name: str) -> list[Path]:
    if name in LANGUAGES:
        return [ROOT / "README.md"]
    if name in PLATFORMS:
        return [ROOT / "README.md", guide(name)]
    prefix = name.split("_", 1)[0]
    if prefix in PLATFORMS and "_" in name:
        return [guide(prefix)]
    return [ROOT / "README.md"] if prefix in LANGUAGES and "_" in name else []


def code_blocks(document: Path) -> set[str]:
    return set(re.findall(r"^```\w*\n(.*?)^```", document.read_text(), re.M | re.S))


def main() -> int:
    passed, failed = 0, 0
    examples: dict[str, tuple[Path, str]] = {}
    for directory in TESTS:
        for path in sorted((ROOT / directory).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file():
                for match in MARKER.finditer(path.read_text()):
                    if match.group(1) in examples:
                        print(f"FAIL {match.group(1)}: marked twice, in {examples[match.group(1)][0]} and {path}")
                        failed += 1
                    examples[match.group(1)] = (path.relative_to(ROOT), textwrap.dedent(match.group(2)))
    for name in (*LANGUAGES, *PLATFORMS):
        if name not in examples:
            print(f"FAIL {name}: no test marks a README example named {name}")
            failed += 1
    for name, (source, example) in sorted(examples.items()):
        documents = documents_for(name)
        if not documents:
            print(f"FAIL {name} ({source}): not a language, a platform, <platform>_<topic> or <language>_<topic>")
            failed += 1
        for document in documents:
            if example in code_blocks(document):
                passed += 1
            else:
                print(f"FAIL {name}: {document.relative_to(ROOT)} has no code block equal to the example in {source}:\n{example}")
                failed += 1
    print(f"docs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
