import 'dart:async';

import 'package:flutter/widgets.dart';

import '../sessioncore.dart';

/// Wires the app's foreground/background transitions into a tracker through
/// Flutter's [AppLifecycleListener], off the UI isolate: every call goes to
/// the [AsyncSessionTracker]'s worker, in order.
///
/// Create it in `main`, after `WidgetsFlutterBinding.ensureInitialized()`
/// and before any `await`, with the tracker still opening:
/// `SessionLifecycleBinding(AsyncSessionTracker.open(path))`. It reads
/// [WidgetsBinding.lifecycleState] at once and reports it without a
/// transition: `resumed` (a late install) is the foreground; `paused`,
/// `hidden` and `detached` (a background launch) are the background;
/// `inactive` or no state yet (a launch whose UI is about to show) report
/// nothing, so that the `resumed` that follows is the real transition it is
/// for an app killed in the background. Then every view hidden (`onHide`) is
/// the background and `onResume` the foreground (it also comes at a cold
/// start; a foreground while already there is a no-op). Call [dispose] when
/// the tracker goes away.
///
/// With [sessionEnds] (a [SessionEndTimer]) the binding also ends idle
/// sessions: while the app is in the foreground, and once after each move to
/// the background. Failures of the tracker's calls go to [onError] (by
/// default printed), never into the lifecycle.
class SessionLifecycleBinding {
  SessionLifecycleBinding(
    Future<AsyncSessionTracker> tracker, {
    void Function(SessionCoreException error)? onError,
    SessionEndTimer? sessionEnds,
  })  : _tracker = tracker,
        _sessionEnds = sessionEnds,
        _onError = onError ?? ((error) => debugPrint('sessioncore: not recorded: $error')) {
    switch (WidgetsBinding.instance.lifecycleState) {
      case AppLifecycleState.resumed:
        _forward((tracker) => tracker.launch(inBackground: false));
        _startExpiryTimer();
      case AppLifecycleState.paused || AppLifecycleState.hidden || AppLifecycleState.detached:
        _forward((tracker) => tracker.launch(inBackground: true));
      case AppLifecycleState.inactive || null:
        break;
    }
    _listener = AppLifecycleListener(onHide: _background, onResume: _foreground);
  }

  final Future<AsyncSessionTracker> _tracker;
  final void Function(SessionCoreException error) _onError;
  final SessionEndTimer? _sessionEnds;
  late final AppLifecycleListener _listener;

  /// The expiry timer while the app is in the foreground.
  Timer? _expiryTicks;

  /// A tick's `expireIfIdle` has not completed yet (the tracker is still
  /// opening, or the worker waits for the write lock): later ticks add none.
  var _tickPending = false;

  /// Stops observing and the expiry timer; calls already made still complete,
  /// and a session they end still goes to [SessionEndTimer.onSessionEnd].
  void dispose() {
    _listener.dispose();
    _stopExpiryTimer();
  }

  void _foreground() {
    _forward((tracker) => tracker.foreground());
    _startExpiryTimer();
  }

  void _background() {
    // Cancelled before the background is handed over: no tick comes after it.
    _stopExpiryTimer();
    _forward((tracker) => tracker.background());
    // On the worker after the background: judged by the background timeout.
    if (_sessionEnds case final sessionEnds?) _forward((tracker) => _expire(tracker, sessionEnds));
  }

  void _startExpiryTimer() {
    final sessionEnds = _sessionEnds;
    if (sessionEnds == null || _expiryTicks != null) return;
    _expiryTicks = sessionEnds._repeat(sessionEnds.interval, () {
      if (_tickPending) return;
      _tickPending = true;
      _forward((tracker) => _expire(tracker, sessionEnds)).whenComplete(() => _tickPending = false);
    });
  }

  void _stopExpiryTimer() {
    _expiryTicks?.cancel();
    _expiryTicks = null;
  }

  /// Ends the session if it is idle, and hands its end to the app.
  static Future<void> _expire(AsyncSessionTracker tracker, SessionEndTimer sessionEnds) async {
    final ended = await tracker.expireIfIdle();
    if (ended == null) return;
    try {
      sessionEnds.onSessionEnd(ended);
    } catch (error, stack) {
      // The core has recorded the end as reported: it does not come again.
      FlutterError.reportError(FlutterErrorDetails(
        exception: error,
        stack: stack,
        library: 'sessioncore',
        context: ErrorDescription('in SessionEndTimer.onSessionEnd; that session end is not reported again'),
      ));
    }
  }

  /// Callbacks on one future run in the order they were added: the calls
  /// reach the worker in order. The result completes when the call has, and
  /// never with a [SessionCoreException] (those go to [_onError]).
  Future<void> _forward(Future<void> Function(AsyncSessionTracker tracker) call) {
    return _tracker.then(call).then<void>((_) {}, onError: (Object error, StackTrace stack) {
      if (error is! SessionCoreException) Error.throwWithStackTrace(error, stack);
      _onError(error);
    });
  }
}

/// The lifecycle binding's opt-in expiry timer (rule 19), for
/// `SessionLifecycleBinding(sessions, sessionEnds: SessionEndTimer(onSessionEnd: ...))`:
/// while the app is in the foreground the binding calls
/// [AsyncSessionTracker.expireIfIdle] every [interval] (a minute by
/// default), and once more after each move to the background, so that a
/// session whose user does not come back still gets its `session_end`. The
/// calls run on the tracker's worker, in order with the transitions;
/// [onSessionEnd] gets each session they end, once, on the UI isolate. The
/// timer does not run in the background (the session's end then comes with
/// the next event) or after [SessionLifecycleBinding.dispose].
///
/// Sessions that end otherwise are reported elsewhere, each once too: on the
/// event that starts the next session ([SessionEvent.endedSession], which the
/// tracker's [AsyncSessionTracker.onSessionUpdate] sees, the binding's own
/// foreground and background events included), or by the call that ended
/// them ([AsyncSessionTracker.endSession], [AsyncSessionTracker.reset],
/// [AsyncSessionTracker.startManualSession]).
class SessionEndTimer {
  /// Throws an [ArgumentError] unless [interval] is positive.
  SessionEndTimer({Duration interval = defaultInterval, required void Function(EndedSession ended) onSessionEnd})
      : this.repeatingWith(_everyInterval, interval: interval, onSessionEnd: onSessionEnd);

  /// A timer whose ticks [repeat] schedules (tests tick it themselves): it
  /// calls `tick` every `interval` until the returned [Timer] is cancelled.
  @visibleForTesting
  SessionEndTimer.repeatingWith(
    this._repeat, {
    this.interval = defaultInterval,
    required this.onSessionEnd,
  }) {
    if (interval <= Duration.zero) throw ArgumentError.value(interval, 'interval', 'must be positive');
  }

  static const defaultInterval = Duration(minutes: 1);

  /// The time between two calls in the foreground.
  final Duration interval;

  /// Receives each session the timer's calls end, once: emit the app's `session_end` with it.
  final void Function(EndedSession ended) onSessionEnd;

  final Timer Function(Duration interval, void Function() tick) _repeat;

  static Timer _everyInterval(Duration interval, void Function() tick) => Timer.periodic(interval, (_) => tick());
}
