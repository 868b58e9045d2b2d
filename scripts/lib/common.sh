# Shared by the scripts in scripts/: paths, the download cache, and the
# one-line summary every test script ends with. Source it; don't run it.

SESSIONCORE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SESSIONCORE_ROOT
export SESSIONCORE_CACHE="${SESSIONCORE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sessioncore}"
mkdir -p "$SESSIONCORE_CACHE"

die() {
    echo "error: $*" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null 2>&1 || die "$1 is required but not installed ($2)"
}

# The host static library as the XCFramework ships it: built for the host,
# then processed by scripts/hide-static-symbols.sh (its only global symbols
# are the uniffi entry points); written to OUT. Prints cargo's path of the
# unprocessed archive.
hidden_static_library() {
    (cd "$SESSIONCORE_ROOT" && cargo rustc -q --release -p sessioncore --lib --crate-type staticlib >&2 &&
        scripts/hide-static-symbols.sh target/release/libsessioncore.a "$1" >&2) || return 1
    echo "$SESSIONCORE_ROOT/target/release/libsessioncore.a"
}

# The functions the generated Swift header declares, one per line (run
# scripts/gen-bindings.sh swift first).
swift_header_entry_points() {
    grep -oE '\b(uniffi|ffi_sessioncore)_[A-Za-z0-9_]+\(' \
        "$SESSIONCORE_ROOT/bindings-swift/Sources/SessionCoreFFI/include/SessionCoreFFI.h" | tr -d '(' | sort -u
}

# The host library every binding loads, built unstripped so that uniffi's
# library mode can read its metadata. Prints its path.
build_host_library() {
    need cargo "install Rust with rustup"
    (cd "$SESSIONCORE_ROOT" && cargo build --release -p sessioncore --lib >&2) || die "cargo build failed"
    echo "$SESSIONCORE_ROOT/target/release/libsessioncore.so"
}

# Writes the copy of LIBRARY that ships to DEST: stripped of everything a
# loader does not need (uniffi's library mode reads the unstripped original).
#   usage: shipped_copy LIBRARY DEST [STRIP]   (STRIP: the NDK's llvm-strip, say)
shipped_copy() {
    mkdir -p "$(dirname "$2")"
    "${3:-strip}" --strip-unneeded -o "$2" "$1" || die "could not strip $1"
}

# Scenario directories to replay: the shared suite plus $SESSIONCORE_SCENARIOS.
scenario_dirs() {
    echo "$SESSIONCORE_ROOT/tests/scenarios"
    if [[ -n "${SESSIONCORE_SCENARIOS:-}" ]]; then
        [[ -d "$SESSIONCORE_SCENARIOS" ]] || die "SESSIONCORE_SCENARIOS=$SESSIONCORE_SCENARIOS is not a directory"
        echo "$SESSIONCORE_SCENARIOS"
    fi
}

# The conformance checker every language's suite runs its traces through
# (tests/conformance). Builds it and exports SESSIONCORE_CHECKER.
build_checker() {
    need cargo "install Rust with rustup"
    (cd "$SESSIONCORE_ROOT" && cargo build -p sessioncore-conformance --bin conformance >&2) || die "cargo build of the checker failed"
    export SESSIONCORE_CHECKER="$SESSIONCORE_ROOT/target/debug/conformance"
}

# Whether every LOAD segment of the ELF library FILE is aligned to at least
# 16 KB, as Google Play requires of Android libraries (pages of 16 KB); names
# the segments that are not.
#   usage: aligned_to_16k_pages FILE
aligned_to_16k_pages() {
    local offset align loads=0 bad=0
    while read -r offset align; do
        loads=$((loads + 1))
        if ((align < 16384)); then
            echo "$1: the LOAD segment at offset $offset is aligned to $align"
            bad=$((bad + 1))
        fi
    done < <(readelf -lW "$1" 2>/dev/null | awk '$1 == "LOAD" {print $2, $NF}')
    [[ $loads -gt 0 ]] || echo "$1: no LOAD segment"
    [[ $loads -gt 0 && $bad -eq 0 ]]
}

# A field of [workspace.package] in the workspace Cargo.toml (version,
# license, repository): the one source of what every package says of itself.
#   usage: workspace_field NAME
workspace_field() {
    sed -nE "s/^$1 = \"(.*)\"/\\1/p" "$SESSIONCORE_ROOT/Cargo.toml" | head -1
}

# A tool pinned to VERSION, built once from crates.io with cargo into ROOT (in
# the cache); prints the path of its BINARY.
#   usage: cargo_installed_tool ROOT CRATE VERSION BINARY [cargo install options...]
cargo_installed_tool() {
    local root="$1" crate="$2" version="$3" binary="$4"
    shift 4
    if [[ ! -x "$root/bin/$binary" ]]; then
        need cargo "install Rust with rustup"
        echo "building $crate $version (once, a few minutes)" >&2
        cargo install --quiet --locked --version "$version" --root "$root" "$@" "$crate" >&2 ||
            die "could not build $crate $version"
        [[ -x "$root/bin/$binary" ]] || die "$crate $version did not install $root/bin/$binary"
    fi
    echo "$root/bin/$binary"
}
