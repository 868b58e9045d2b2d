# Swift for the Swift tests. Where `swift` is on the PATH (macOS, a Linux box
# with Swift) it is used as it is. On a Debian/Ubuntu host without it, Swift
# 6.0.3 comes from Debian 13's `swiftlang` package, installed into a trixie
# root made with debootstrap under the cache (Debian 12 has no swiftlang).
# Source it; then `swift_toolchain_ensure` and `swift_run DIR COMMAND...`.

# SESSIONCORE_SWIFT_ROOT gives a worktree its own root (runs in one root are
# serialised, see swift_run).
SWIFT_ROOT="${SESSIONCORE_SWIFT_ROOT:-$SESSIONCORE_CACHE/swift-root}"
SWIFT_DEBS="$SESSIONCORE_CACHE/swift-debs"
# git and unzip: SwiftPM clones packages added by URL and unzips binary
# targets (scripts/test-swift-package.sh).
SWIFT_PACKAGES="swiftlang libc6-dev libstdc++-14-dev git unzip"

# The root is ready when it has every package of SWIFT_PACKAGES (the marker
# lists them, so that a root made before a package was added gets it).
_swift_ready() {
    [[ "$(cat "$SWIFT_ROOT/.sessioncore-ready" 2>/dev/null)" == "$SWIFT_PACKAGES" ]]
}

swift_toolchain_ensure() {
    if command -v swift >/dev/null 2>&1; then
        SWIFT_MODE=native
        return
    fi
    SWIFT_MODE=chroot
    _swift_ready && return
    [[ "$(uname -s)" == Linux ]] || die "no swift on the PATH: install Xcode or a Swift toolchain"
    [[ $EUID -eq 0 ]] || die "no swift on the PATH, and provisioning one in a chroot needs root (or install Swift 6)"
    (
        # One provisioning at a time, even if two test runs start together.
        flock 9
        _swift_ready && exit 0
        _swift_provision
    ) 9>"$SWIFT_ROOT.lock" || die "could not provision Swift (see above)"
}

_swift_provision() {
    local mirror start=$SECONDS
    mirror="$(_swift_debian_mirror)"
    echo "provisioning Swift: Debian trixie root in $SWIFT_ROOT from $mirror" >&2
    _swift_unmount
    mkdir -p "$SWIFT_DEBS"
    # A root from an earlier run only needs the packages it lacks.
    if [[ ! -f "$SWIFT_ROOT/.sessioncore-ready" ]]; then
        if ! command -v debootstrap >/dev/null 2>&1; then
            apt-get update -qq >&2 && apt-get install -y -qq debootstrap >&2 || return 1
        fi
        rm -rf "$SWIFT_ROOT"
        debootstrap --variant=minbase --cache-dir="$SWIFT_DEBS" trixie "$SWIFT_ROOT" "$mirror" >&2 || return 1
        echo "debootstrap done in $((SECONDS - start)) s" >&2
    fi
    cp /etc/resolv.conf "$SWIFT_ROOT/etc/resolv.conf"
    _swift_mount
    # apt's downloads live outside the root, so a rebuilt root reuses them.
    mkdir -p "$SWIFT_ROOT/var/cache/apt/archives"
    mount --bind "$SWIFT_DEBS" "$SWIFT_ROOT/var/cache/apt/archives"
    local ok=0
    chroot "$SWIFT_ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $SWIFT_PACKAGES" >&2 || ok=1
    umount "$SWIFT_ROOT/var/cache/apt/archives"
    _swift_unmount
    [[ $ok -eq 0 ]] || return 1
    echo "$SWIFT_PACKAGES" >"$SWIFT_ROOT/.sessioncore-ready"
    echo "Swift provisioned in $((SECONDS - start)) s" >&2
}

# The Debian mirror this host's apt already uses (the only one reachable).
_swift_debian_mirror() {
    local uri
    uri="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1)"
    [[ -n "$uri" ]] || uri="$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -1)"
    echo "${uri:-http://deb.debian.org/debian}"
}

# swiftc needs /proc to resolve its $ORIGIN run path; builds need /dev.
_swift_mount() {
    mountpoint -q "$SWIFT_ROOT/proc" || mount -t proc proc "$SWIFT_ROOT/proc"
    mountpoint -q "$SWIFT_ROOT/dev" || mount --rbind /dev "$SWIFT_ROOT/dev"
}

_swift_unmount() {
    local target
    # Deepest first, so that nested mounts go before their parents.
    for target in $(awk -v root="$SWIFT_ROOT" 'index($2, root) == 1 {print $2}' /proc/mounts | sort -r); do
        umount -l "$target" 2>/dev/null || true
    done
}

# swift_run DIR COMMAND...: runs COMMAND in DIR with Swift. In a chroot the
# project root is bind-mounted at its own path, so absolute paths (the host
# library, -L and rpath flags) mean the same inside, and so are the extra
# directories in SWIFT_RUN_MOUNTS; SWIFT_RUN_ENV passes NAME=VALUE pairs.
# Runs in one root take turns: each unmounts everything in the root when done.
swift_run() {
    local dir="$1"
    shift
    if [[ "$SWIFT_MODE" == native ]]; then
        (cd "$dir" && env ${SWIFT_RUN_ENV:-} "$@")
        return
    fi
    (
        flock 8
        status=0
        _swift_mount
        mkdir -p "$SWIFT_ROOT/tmp"
        for shared in "$SESSIONCORE_ROOT" ${SWIFT_RUN_MOUNTS:-}; do
            mkdir -p "$SWIFT_ROOT$shared"
            mount --bind "$shared" "$SWIFT_ROOT$shared"
        done
        chroot "$SWIFT_ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 ${SWIFT_RUN_ENV:-} \
            bash -c 'cd "$1" && shift && exec "$@"' swift_run "$dir" "$@" || status=$?
        _swift_unmount
        exit $status
    ) 8>"$SWIFT_ROOT.run.lock"
}
