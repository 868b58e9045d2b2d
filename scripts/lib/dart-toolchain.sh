# The Dart side's tools. No Dart SDK is needed to generate or to check:
# uniffi-bindgen-dart (pinned 0.2.0, built with cargo into the cache) writes
# the bindings, and tree-sitter-dart (pinned PyPI wheels, in a venv in the
# cache) parses them. Source it; then call the *_ensure functions.

DART_BINDGEN_VERSION=0.2.0
DART_BINDGEN_ROOT="$SESSIONCORE_CACHE/dart-bindgen-$DART_BINDGEN_VERSION"
DART_CHECK_VENV="$SESSIONCORE_CACHE/dart-check-venv"

dart_bindgen_ensure() {
    DART_BINDGEN="$(cargo_installed_tool "$DART_BINDGEN_ROOT" uniffi-bindgen-dart "$DART_BINDGEN_VERSION" uniffi-bindgen-dart)"
}

dart_treesitter_ensure() {
    DART_CHECK_PYTHON="$DART_CHECK_VENV/bin/python"
    if [[ -x "$DART_CHECK_PYTHON" ]] && "$DART_CHECK_PYTHON" -c 'import tree_sitter, tree_sitter_dart, yaml' 2>/dev/null; then
        return
    fi
    need python3 "install CPython 3.9 or newer"
    python3 -m venv "$DART_CHECK_VENV" || die "could not create $DART_CHECK_VENV"
    "$DART_CHECK_PYTHON" -m pip install --quiet "tree-sitter==0.26.*" "tree-sitter-dart==0.1.0" "pyyaml==6.*" ||
        die "could not install tree-sitter, tree-sitter-dart and pyyaml from PyPI"
}
