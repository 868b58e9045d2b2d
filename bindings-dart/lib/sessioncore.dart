/// sessioncore for Dart and Flutter: the shared session engine through its
/// generated FFI bindings, with the on-session-update callback
/// every language's wrapper adds.
import 'dart:ffi' show DynamicLibrary;

import 'src/generated/sessioncore.dart' as gen;
import 'src/native_library.dart';

export 'src/generated/sessioncore.dart'
    show TrackerConfig, Durability, SessionEvent, SessionState, RecoveryReport, NewSessionReason, LogLevel, ClockReading, BootClockReading, EndedSession, ImportedState;
export 'src/async_tracker.dart' show AsyncSessionTracker;
export 'src/lifecycle.dart' show SessionLifecycleBinding, SessionEndTimer;

bool _libraryLoaded = false;

/// Loads the native library: from [libraryPath] when given, else the one the
/// package's build hook bundled into the app (src/native_library.dart says
/// where on each platform). Called by the first
/// [SessionTracker.open] when the app has not called it.
void loadSessionCore({String? libraryPath}) {
  final library = libraryPath != null ? DynamicLibrary.open(libraryPath) : openBundledSessionCore();
  gen.configureDefaultBindings(dynamicLibrary: library);
  _libraryLoaded = true;
}

/// Sets how much of the core's logging reaches the platform log (default warn).
void setLogLevel(gen.LogLevel level) => _translatingErrors(() => gen.setLogLevel(level));

/// Every sessioncore failure; [kind] is the same name in every language.
sealed class SessionCoreException implements Exception {
  const SessionCoreException(this.detail);

  final String detail;

  String get kind;

  @override
  String toString() => '$kind: $detail';
}

/// A configuration value is unusable; [field] names it (e.g. `foregroundTimeoutMs`).
final class InvalidConfigException extends SessionCoreException {
  const InvalidConfigException(this.field, String detail) : super(detail);
  final String field;
  @override
  String get kind => 'InvalidConfig';
}

/// A call argument is unusable; [argument] names it (e.g. `customId`).
final class InvalidArgumentException extends SessionCoreException {
  const InvalidArgumentException(this.argument, String detail) : super(detail);
  final String argument;
  @override
  String get kind => 'InvalidArgument';
}

/// SQLite could not read or write; nothing committed was lost.
final class StorageException extends SessionCoreException {
  const StorageException(super.detail);
  @override
  String get kind => 'Storage';
}

/// The tracker was closed.
final class ClosedException extends SessionCoreException {
  const ClosedException(super.detail);
  @override
  String get kind => 'Closed';
}

/// A bug in sessioncore (a caught panic); the stored state is unchanged.
final class InternalException extends SessionCoreException {
  const InternalException(super.detail);
  @override
  String get kind => 'Internal';
}

T _translatingErrors<T>(T Function() call) {
  try {
    return call();
  } on gen.SessionCoreErrorException catch (e) {
    throw switch (e) {
      gen.SessionCoreErrorExceptionInvalidConfig(:final field, :final detail) => InvalidConfigException(field, detail),
      gen.SessionCoreErrorExceptionInvalidArgument(:final argument, :final detail) =>
        InvalidArgumentException(argument, detail),
      gen.SessionCoreErrorExceptionStorage(:final detail) => StorageException(detail),
      gen.SessionCoreErrorExceptionClosed(:final detail) => ClosedException(detail),
      gen.SessionCoreErrorExceptionInternal(:final detail) => InternalException(detail),
    };
  }
}

/// A session tracker for one namespace of one SQLite file. Every call throws
/// a [SessionCoreException] on failure. Call [close] when done.
///
/// Time: the calls take no time from the app. The core reads the wall clock
/// and the boot clock after it holds the database's write lock, so call order
/// is time order across threads and processes. `at` passes an explicit
/// [ClockReading] instead, for tests and tools only. Each call is a durable
/// SQLite commit, which may wait for another process's write lock: on the UI
/// isolate use [AsyncSessionTracker], whose calls run on a worker isolate.
class SessionTracker {
  SessionTracker._(this._ffi);

  /// Opens (creating, migrating or recovering) [path] for [namespace].
  factory SessionTracker.open(
    String path, {
    String namespace = 'default',
    gen.TrackerConfig config = const gen.TrackerConfig(),
  }) {
    if (!_libraryLoaded) loadSessionCore();
    return SessionTracker._(_translatingErrors(() => gen.SessionTracker.open(path, namespace, config)));
  }

  final gen.SessionTracker _ffi;

  /// Called once per new session, with the event that started it.
  void Function(gen.SessionEvent event)? onSessionUpdate;

  /// Tracks a plain event; [eventId] is its UUID, or null to have one generated.
  gen.SessionEvent? track({String? eventId, gen.ClockReading? at}) =>
      _notify(_translatingErrors(() => _ffi.track(eventId: eventId, at: at)));

  /// The app went to the background; null when it already was (or no session applies).
  gen.SessionEvent? background({String? eventId, gen.ClockReading? at}) =>
      _notify(_translatingErrors(() => _ffi.background(eventId: eventId, at: at)));

  /// The app came to the foreground; null when it already was (or no session applies).
  gen.SessionEvent? foreground({String? eventId, gen.ClockReading? at}) =>
      _notify(_translatingErrors(() => _ffi.foreground(eventId: eventId, at: at)));

  /// The state the process started in (in the background for a push or a
  /// background job); no event. [SessionLifecycleBinding] calls it.
  void launch({required bool inBackground}) => _translatingErrors(() => _ffi.launch(inBackground));

  /// Switches to manual mode and starts a session now (RudderStack's manual
  /// sessions); returns the session it replaced, if not reported yet.
  gen.EndedSession? startManualSession({int? customId, gen.ClockReading? at}) =>
      _translatingErrors(() => _ffi.startManualSession(customId: customId, at: at));

  void startNewSession() => _translatingErrors(_ffi.startNewSession);

  /// Ends the current session and returns it, for a `session_end` event.
  gen.EndedSession? endSession() => _translatingErrors(_ffi.endSession);

  /// Ends the session if its timeout or maximum duration has passed and returns it.
  gen.EndedSession? expireIfIdle({gen.ClockReading? at}) => _translatingErrors(() => _ffi.expireIfIdle(at: at));

  /// Logout: ends the session (returned), clears the app user id and, with
  /// [newUserId], gives the install a new user id.
  gen.EndedSession? reset({bool newUserId = false}) => _translatingErrors(() => _ffi.reset(newUserId));

  /// Takes over another tracker's stored identity and session where this
  /// namespace has none yet; false when nothing changed.
  bool importState(gen.ImportedState state) => _translatingErrors(() => _ffi.importState(state));
  void pause() => _translatingErrors(_ffi.pause);
  void resume() => _translatingErrors(_ffi.resume);
  void setAnonymous(bool anonymous) => _translatingErrors(() => _ffi.setAnonymous(anonymous));
  void setAppUserId(String? appUserId) => _translatingErrors(() => _ffi.setAppUserId(appUserId));

  /// Test hook: overwrite the current session's indexes.
  void setIndexesForTesting(int sessionIndex, int eventIndex) =>
      _translatingErrors(() => _ffi.setIndexesForTesting(sessionIndex, eventIndex));

  String get userId => _translatingErrors(_ffi.userId);
  String? get sessionId => _translatingErrors(_ffi.sessionId);
  int? get sessionIndex => _translatingErrors(_ffi.sessionIndex);
  bool get isInBackground => _translatingErrors(_ffi.isInBackground);
  int get backgroundIndex => _translatingErrors(_ffi.backgroundIndex);
  int get foregroundIndex => _translatingErrors(_ffi.foregroundIndex);
  gen.SessionState get state => _translatingErrors(_ffi.state);

  /// Set when opening found a damaged file and moved it aside.
  gen.RecoveryReport? get recovery => _translatingErrors(_ffi.recovery);

  /// Closes the database; later calls throw [ClosedException]. The native
  /// handle itself is freed by the generated finalizer.
  void close() => _translatingErrors(_ffi.closeStorage);

  gen.SessionEvent? _notify(gen.SessionEvent? event) {
    if (event != null && event.isNewSession) onSessionUpdate?.call(event);
    return event;
  }
}
