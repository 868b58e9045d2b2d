import 'dart:async';
import 'dart:isolate';

import '../sessioncore.dart';

/// A session tracker for the UI isolate: every call returns a [Future], and
/// runs on a long-lived worker isolate that owns its own [SessionTracker] on
/// the same file (each call is a durable SQLite commit, which may wait for
/// another process's write lock). The worker makes the calls one at a time,
/// in the order they were made; SQLite keeps it consistent with any other
/// tracker on the file, in this isolate or another process. The core reads
/// the time when a call runs, in the worker.
///
/// Failures complete the futures with the same [SessionCoreException]s as
/// [SessionTracker]'s; after [close], or if the worker ends, with
/// [ClosedException].
final class AsyncSessionTracker {
  AsyncSessionTracker._();

  /// Opens [path] for [namespace] in a new worker isolate. [libraryPath] is
  /// the native library for the worker to load, as in [loadSessionCore]
  /// (null: where the plugin puts it).
  static Future<AsyncSessionTracker> open(
    String path, {
    String namespace = 'default',
    TrackerConfig config = const TrackerConfig(),
    String? libraryPath,
  }) async {
    final tracker = AsyncSessionTracker._();
    tracker._replies.listen(tracker._receive);
    final replies = tracker._replies.sendPort;
    await Isolate.spawn(_work, (replies, path, namespace, config, libraryPath), debugName: 'sessioncore', onExit: replies);
    tracker._requests = await tracker._ready.future;
    return tracker;
  }

  final _replies = ReceivePort('sessioncore replies');
  final _ready = Completer<SendPort>();
  late final SendPort _requests;
  final _pending = <int, Completer<Object?>>{};
  var _nextId = 0;

  /// Set by [close], or when the worker ended.
  var _closed = false;

  void _receive(Object? message) {
    switch (message) {
      case SendPort requests:
        _ready.complete(requests);
      case SessionCoreException error when !_ready.isCompleted: // it did not open
        _ready.completeError(error);
      case (int id, Object? result, SessionCoreException? error):
        final reply = _pending.remove(id)!;
        error == null ? reply.complete(result) : reply.completeError(error);
      case null: // the worker ended
        _closed = true;
        _replies.close();
        const ended = ClosedException('the worker isolate ended');
        for (final reply in _pending.values) {
          reply.completeError(ended);
        }
        _pending.clear();
        if (!_ready.isCompleted) _ready.completeError(ended);
    }
  }

  /// Called once per new session, on this isolate, with the event that started it.
  void Function(SessionEvent event)? onSessionUpdate;

  /// Tracks a plain event; [eventId] is its UUID, or null to have one generated.
  Future<SessionEvent?> track({String? eventId, ClockReading? at}) => _event(_track, (eventId, at));

  /// The app went to the background; null when it already was (or no session applies).
  Future<SessionEvent?> background({String? eventId, ClockReading? at}) => _event(_background, (eventId, at));

  /// The app came to the foreground; null when it already was (or no session applies).
  Future<SessionEvent?> foreground({String? eventId, ClockReading? at}) => _event(_foreground, (eventId, at));

  /// The state the process started in; no event. [SessionLifecycleBinding] calls it.
  Future<void> launch({required bool inBackground}) => _call(_launch, inBackground);

  /// Switches to manual mode and starts a session now (RudderStack's manual
  /// sessions); completes with the session it replaced, if not reported yet.
  Future<EndedSession?> startManualSession({int? customId, ClockReading? at}) =>
      _call(_startManualSession, (customId, at));

  Future<void> startNewSession() => _call(_startNewSession, null);

  /// Ends the current session and completes with it, for a `session_end` event.
  Future<EndedSession?> endSession() => _call(_endSession, null);

  /// Ends the session if its timeout or maximum duration has passed at this
  /// moment and completes with it; else null. [SessionEndTimer] calls it.
  Future<EndedSession?> expireIfIdle({ClockReading? at}) => _call(_expireIfIdle, at);

  /// Logout: ends the session (the result), clears the app user id and, with
  /// [newUserId], gives the install a new user id.
  Future<EndedSession?> reset({bool newUserId = false}) => _call(_reset, newUserId);

  /// Takes over another tracker's stored identity and session where this
  /// namespace has none yet; false when nothing changed. Before any event.
  Future<bool> importState(ImportedState state) => _call(_importState, state);

  Future<void> pause() => _call(_pause, null);
  Future<void> resume() => _call(_resume, null);
  Future<void> setAnonymous(bool anonymous) => _call(_setAnonymous, anonymous);
  Future<void> setAppUserId(String? appUserId) => _call(_setAppUserId, appUserId);

  /// The whole state in one call (user, session, indexes, flags).
  Future<SessionState> state() => _call(_state, null);

  /// Set when opening found a damaged file and moved it aside.
  Future<RecoveryReport?> recovery() => _call(_recovery, null);

  /// Closes the database and ends the worker; later calls fail with [ClosedException].
  Future<void> close() async {
    if (_closed) return;
    final closing = _call(_close, null, closes: true);
    _closed = true;
    await closing;
  }

  Future<SessionEvent?> _event(SessionEvent? Function(SessionTracker, (String?, ClockReading?)) op, (String?, ClockReading?) args) async {
    final event = await _call(op, args);
    if (event != null && event.isNewSession) onSessionUpdate?.call(event);
    return event;
  }

  /// Sends [op] (a static function: it crosses to the worker with [args]) and waits for its result.
  Future<R> _call<A, R>(R Function(SessionTracker tracker, A args) op, A args, {bool closes = false}) async {
    if (_closed) throw const ClosedException('the tracker was closed');
    final reply = Completer<Object?>();
    final id = _nextId++;
    _pending[id] = reply;
    _requests.send(_Request<A, R>(id, op, args, closes: closes));
    return await reply.future as R;
  }

  static SessionEvent? _track(SessionTracker t, (String?, ClockReading?) a) => t.track(eventId: a.$1, at: a.$2);
  static SessionEvent? _background(SessionTracker t, (String?, ClockReading?) a) => t.background(eventId: a.$1, at: a.$2);
  static SessionEvent? _foreground(SessionTracker t, (String?, ClockReading?) a) => t.foreground(eventId: a.$1, at: a.$2);
  static void _launch(SessionTracker t, bool inBackground) => t.launch(inBackground: inBackground);
  static EndedSession? _startManualSession(SessionTracker t, (int?, ClockReading?) a) =>
      t.startManualSession(customId: a.$1, at: a.$2);
  static void _startNewSession(SessionTracker t, Null _) => t.startNewSession();
  static EndedSession? _endSession(SessionTracker t, Null _) => t.endSession();
  static EndedSession? _expireIfIdle(SessionTracker t, ClockReading? at) => t.expireIfIdle(at: at);
  static EndedSession? _reset(SessionTracker t, bool newUserId) => t.reset(newUserId: newUserId);
  static bool _importState(SessionTracker t, ImportedState state) => t.importState(state);
  static void _pause(SessionTracker t, Null _) => t.pause();
  static void _resume(SessionTracker t, Null _) => t.resume();
  static void _setAnonymous(SessionTracker t, bool anonymous) => t.setAnonymous(anonymous);
  static void _setAppUserId(SessionTracker t, String? appUserId) => t.setAppUserId(appUserId);
  static SessionState _state(SessionTracker t, Null _) => t.state;
  static RecoveryReport? _recovery(SessionTracker t, Null _) => t.recovery;
  static void _close(SessionTracker t, Null _) => t.close();
}

/// One call for the worker: [op] applied to its tracker and [args].
final class _Request<A, R> {
  const _Request(this.id, this.op, this.args, {required this.closes});

  final int id;
  final R Function(SessionTracker tracker, A args) op;
  final A args;

  /// The last request: the worker closes its port after it.
  final bool closes;

  R run(SessionTracker tracker) => op(tracker, args);
}

/// The worker isolate: opens its tracker, sends its request port (or the
/// error that kept it from opening), then answers each request in order,
/// until the close request, after which no port keeps it alive.
void _work((SendPort, String, String, TrackerConfig, String?) setup) {
  final (replies, path, namespace, config, libraryPath) = setup;
  final SessionTracker tracker;
  try {
    if (libraryPath != null) loadSessionCore(libraryPath: libraryPath);
    tracker = SessionTracker.open(path, namespace: namespace, config: config);
  } on SessionCoreException catch (error) {
    replies.send(error);
    return;
  }
  final requests = ReceivePort('sessioncore requests');
  replies.send(requests.sendPort);
  requests.listen((message) {
    final request = message as _Request<Object?, Object?>;
    try {
      replies.send((request.id, request.run(tracker), null));
    } on SessionCoreException catch (error) {
      replies.send((request.id, null, error));
    } catch (error) {
      replies.send((request.id, null, InternalException('$error')));
    }
    if (request.closes) requests.close();
  });
}
