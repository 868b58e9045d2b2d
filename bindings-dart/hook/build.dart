// The package's build hook (Dart build hooks, "native assets": Dart 3.10 and
// Flutter 3.38 or newer run it before every build of an app that depends on
// this package). It builds sessioncore's native library from this
// repository's Rust workspace (the crate in ../core) for the app's target
// with cargo, and bundles it as a code asset, so that a git or path
// dependency on this package needs no other step. Needs Rust (rustup, cargo
// on the PATH) with the target installed (`rustup target add ...`, named in
// the error otherwise); on Android, the NDK the Flutter build already uses.
//
// cargo runs in the workspace root, so the workspace's .cargo/config.toml
// applies (the trimmed SQLite; 16 KB pages on Android). The library keeps the
// file name the Dart code opens: libsessioncore.so on Android and Linux;
// Flutter wraps libsessioncore.dylib into sessioncore.framework on iOS and
// macOS.
import 'dart:io';

import 'package:code_assets/code_assets.dart';
import 'package:hooks/hooks.dart';

void main(List<String> args) async {
  await build(args, (input, output) async {
    if (!input.config.buildCodeAssets) return;
    final code = input.config.code;
    final triple = rustTarget(code);
    final workspace = input.packageRoot.resolve('../');
    final targetDirectory = input.outputDirectoryShared.resolve('cargo/');
    final result = await Process.run(
      'cargo',
      [
        'build', '--release', '--package', 'sessioncore', '--lib', '--target', triple,
        '--target-dir', targetDirectory.toFilePath(),
        // What ships is stripped; the exported (dynamic) symbols stay.
        '--config', 'profile.release.strip = true',
      ],
      workingDirectory: workspace.toFilePath(),
      environment: targetEnvironment(code, triple),
    );
    if (result.exitCode != 0) {
      throw HookFailure('cargo build of sessioncore for $triple failed (exit ${result.exitCode}). '
          'Is the Rust target installed? rustup target add $triple\n${result.stderr}');
    }
    final library = targetDirectory.resolve('$triple/release/${code.targetOS.dylibFileName('sessioncore')}');
    output.assets.code.add(CodeAsset(
      package: input.packageName,
      name: 'sessioncore',
      linkMode: DynamicLoadingBundled(),
      file: library,
    ));
    // Rebuild when the Rust sources or the build's settings change.
    output.dependencies.addAll([
      for (final entity in Directory.fromUri(workspace.resolve('core/')).listSync(recursive: true))
        if (entity is File) entity.uri,
      for (final file in ['Cargo.toml', 'Cargo.lock', '.cargo/config.toml']) workspace.resolve(file),
    ]);
  });
}

/// The Rust target triple for the app's target.
String rustTarget(CodeConfig code) {
  final os = code.targetOS;
  final architecture = code.targetArchitecture;
  final triple = switch ((os, architecture)) {
    (OS.android, Architecture.arm64) => 'aarch64-linux-android',
    (OS.android, Architecture.arm) => 'armv7-linux-androideabi',
    (OS.android, Architecture.x64) => 'x86_64-linux-android',
    (OS.iOS, Architecture.arm64) when code.iOS.targetSdk == IOSSdk.iPhoneSimulator => 'aarch64-apple-ios-sim',
    (OS.iOS, Architecture.arm64) => 'aarch64-apple-ios',
    (OS.iOS, Architecture.x64) => 'x86_64-apple-ios',
    (OS.macOS, Architecture.arm64) => 'aarch64-apple-darwin',
    (OS.macOS, Architecture.x64) => 'x86_64-apple-darwin',
    (OS.linux, Architecture.arm64) => 'aarch64-unknown-linux-gnu',
    (OS.linux, Architecture.x64) => 'x86_64-unknown-linux-gnu',
    (OS.windows, Architecture.x64) => 'x86_64-pc-windows-msvc',
    _ => null,
  };
  if (triple == null) throw HookFailure('sessioncore is not built for $os on $architecture');
  return triple;
}

/// What cargo and the cc crate (which compiles SQLite) need for [triple]:
/// on Android the NDK's compiler for the app's minimum API level as C
/// compiler and linker; on Apple platforms the app's minimum OS version.
Map<String, String> targetEnvironment(CodeConfig code, String triple) {
  final variable = triple.replaceAll('-', '_');
  switch (code.targetOS) {
    case OS.android:
      final compiler = code.cCompiler;
      if (compiler == null) throw HookFailure('no Android NDK compiler was given to the build hook');
      // The NDK's per-API wrappers sit beside its clang: aarch64-linux-android21-clang.
      final prefix = triple.startsWith('armv7') ? 'armv7a-linux-androideabi' : triple;
      final suffix = Platform.isWindows ? '.cmd' : '';
      final clang = compiler.compiler.resolve('$prefix${code.android.targetNdkApi}-clang$suffix').toFilePath();
      return {
        'CARGO_TARGET_${variable.toUpperCase()}_LINKER': clang,
        'CC_$variable': clang,
        'AR_$variable': compiler.archiver.toFilePath(),
      };
    case OS.iOS:
      return {'IPHONEOS_DEPLOYMENT_TARGET': '${code.iOS.targetVersion}.0'};
    case OS.macOS:
      return {'MACOSX_DEPLOYMENT_TARGET': '${code.macOS.targetVersion}.0'};
    default:
      return {};
  }
}

/// A build that cannot succeed, with what to do about it.
class HookFailure implements Exception {
  HookFailure(this.message);

  final String message;

  @override
  String toString() => 'sessioncore build hook: $message';
}
