#!/usr/bin/env python3
"""Static checks of the Flutter package's native build (bindings-dart), for
machines without a Dart SDK: the package builds its library with a build hook
(hook/build.dart), so its pubspec asks for Dart 3.10+ and the hook packages,
and is no FFI plugin (a plugin's copy of the library would be a second one);
the hook builds this workspace's sessioncore crate, for Rust targets that
exist (`rustc --print target-list`), covering Android's three ABIs and iOS
devices and simulators; and the loader opens the file names the hook's
library gets in an app. Prints `dart-package: N passed, M failed`.
usage: dart_package_check.py PACKAGE_DIR"""

import re
import subprocess
import sys
from pathlib import Path

import yaml

REQUIRED_TARGETS = {"aarch64-linux-android", "armv7-linux-androideabi", "x86_64-linux-android",
                    "aarch64-apple-ios", "aarch64-apple-ios-sim", "x86_64-apple-ios"}


def main() -> int:
    package = Path(sys.argv[1])
    pubspec = yaml.safe_load((package / "pubspec.yaml").read_text())
    hook = (package / "hook" / "build.dart").read_text()
    loader = (package / "lib" / "src" / "native_library.dart").read_text()
    crate = re.search(r'^name = "(.+)"', (package.parent / "core" / "Cargo.toml").read_text(), re.M).group(1)
    known = set(subprocess.run(["rustc", "--print", "target-list"], capture_output=True, text=True, check=True).stdout.split())
    targets = set(re.findall(r"=> '([a-z0-9_]+-[a-z0-9_-]+)'", hook))
    sdk_floor = re.match(r">=(\d+)\.(\d+)", pubspec["environment"]["sdk"])
    checks = {
        "the pubspec asks for Dart 3.10 or newer": sdk_floor and tuple(map(int, sdk_floor.groups())) >= (3, 10),
        "the pubspec depends on hooks and code_assets": {"hooks", "code_assets"} <= set(pubspec["dependencies"]),
        "the package is no FFI plugin (the hook bundles the only library)": "plugin" not in (pubspec.get("flutter") or {}),
        f"the hook builds the workspace's {crate} crate": f"'--package', '{crate}'" in hook and "resolve('../')" in hook,
        f"the hook's Rust targets exist ({sorted(targets - known) or 'all do'})": targets and targets <= known,
        f"the hook covers Android's ABIs and iOS ({sorted(REQUIRED_TARGETS - targets) or 'all'})": REQUIRED_TARGETS <= targets,
        "the loader opens what the hook's library is called in an app": "dylibFileName('sessioncore')" in hook and all(
            f"'{name}'" in loader for name in ("libsessioncore.so", "sessioncore.framework/sessioncore", "sessioncore.dll")),
    }
    for name, ok in checks.items():
        if not ok:
            print(f"FAIL {name}")
    passed = sum(1 for ok in checks.values() if ok)
    print(f"dart-package: {passed} passed, {len(checks) - passed} failed")
    return 0 if passed == len(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
