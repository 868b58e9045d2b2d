# cargo-about, pinned, for the third-party notices: built once with cargo
# into the cache. Source it; then `cargo_about_ensure` sets CARGO_ABOUT, and
# `write_notices OUT [MANIFEST]` writes the notices of MANIFEST's crate
# (default: the sessioncore crate) with about.toml and about.hbs, failing on a
# licence about.toml does not accept or cannot be determined.

CARGO_ABOUT_VERSION=0.9.3
CARGO_ABOUT_ROOT="$SESSIONCORE_CACHE/cargo-about-$CARGO_ABOUT_VERSION"

cargo_about_ensure() {
    CARGO_ABOUT="$(cargo_installed_tool "$CARGO_ABOUT_ROOT" cargo-about "$CARGO_ABOUT_VERSION" cargo-about --features cli)"
}

write_notices() {
    cargo_about_ensure
    # --offline: licence texts come from the crates' sources and cargo-about's
    # own SPDX texts, never from the network, so the file is the same anywhere.
    "$CARGO_ABOUT" about generate --offline --fail --config "$SESSIONCORE_ROOT/about.toml" \
        --manifest-path "${2:-$SESSIONCORE_ROOT/core/Cargo.toml}" --output-file "$1" "$SESSIONCORE_ROOT/about.hbs"
}
