/// Where the package's build hook (hook/build.dart) puts the native library
/// in an app, by platform.
library;

import 'dart:ffi' show DynamicLibrary;
import 'dart:io' show Platform;

/// Opens the library the build hook bundled: `libsessioncore.so` from the
/// app on Android and Linux, `sessioncore.dll` on Windows, and on iOS and
/// macOS `sessioncore.framework`, into which Flutter wraps the hook's
/// `libsessioncore.dylib`; a library linked into the app itself (an app that
/// links the XCFramework) is found in the process.
DynamicLibrary openBundledSessionCore() {
  if (Platform.isIOS || Platform.isMacOS) {
    try {
      return DynamicLibrary.open('sessioncore.framework/sessioncore');
    } on ArgumentError {
      return DynamicLibrary.process();
    }
  }
  return DynamicLibrary.open(Platform.isWindows ? 'sessioncore.dll' : 'libsessioncore.so');
}
