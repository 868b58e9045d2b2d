#!/usr/bin/env python3
"""Static checks of the Dart binding, for machines without a Dart SDK:
(1) every .dart file parses with tree-sitter-dart, with zero ERROR or MISSING
nodes; (2) every native symbol the Dart code looks up is exported by the
built library (`nm -D --defined-only`). A check that finds nothing to check
fails. Prints `dart-static: N passed, M failed`.
usage: dart_static_check.py LIBRARY DART_DIR..."""

import re
import subprocess
import sys
from pathlib import Path

import tree_sitter
import tree_sitter_dart

# `lookupFunction<NativeType, DartType>('symbol')` and `lookup<T>('symbol')`:
# the type arguments may nest, so match lazily up to the first `>('`.
LOOKUP_CALL = re.compile(r"\.(?:lookupFunction|lookup)\s*<")
LOOKUP_SYMBOL = re.compile(r"\.(?:lookupFunction|lookup)\s*<.*?>\s*\(\s*'([A-Za-z0-9_]+)'", re.S)


def syntax_errors(parser: tree_sitter.Parser, path: Path) -> list[str]:
    tree = parser.parse(path.read_bytes())
    found, stack = [], [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            kind = "MISSING" if node.is_missing else "ERROR"
            found.append(f"{path}:{node.start_point[0] + 1}:{node.start_point[1] + 1}: {kind} {node.type}")
        stack.extend(node.children)
    return found


def exported_symbols(library: Path) -> set[str]:
    out = subprocess.run(["nm", "-D", "--defined-only", str(library)], capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in out.stdout.splitlines() if line.strip()}


def main() -> int:
    library, dirs = Path(sys.argv[1]), [Path(d) for d in sys.argv[2:]]
    files = sorted(f for d in dirs for f in d.rglob("*.dart") if ".dart_tool" not in f.parts)
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_dart.language()))
    passed = failed = 0

    if not files:
        print(f"FAIL no .dart files under {', '.join(map(str, dirs))}")
        failed += 1
    for path in files:
        errors = syntax_errors(parser, path)
        for error in errors:
            print(f"FAIL syntax {error}")
        if errors:
            failed += 1
        else:
            passed += 1
    print(f"dart-static: parsed {len(files)} files")

    exported = exported_symbols(library)
    looked_up = set()
    for path in files:
        text = path.read_text()
        calls, symbols = len(LOOKUP_CALL.findall(text)), LOOKUP_SYMBOL.findall(text)
        if calls != len(symbols):
            print(f"FAIL {path}: {calls} symbol lookups but only {len(symbols)} symbol names extracted")
            failed += 1
        looked_up.update(symbols)
    if not looked_up:
        print("FAIL no native symbol lookups found in the Dart code")
        failed += 1
    for symbol in sorted(looked_up):
        if symbol in exported:
            passed += 1
        else:
            print(f"FAIL symbol {symbol} is looked up by the Dart code but not exported by {library}")
            failed += 1
    print(f"dart-static: {len(looked_up)} native symbols looked up, checked against {library.name}")
    print(f"dart-static: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
