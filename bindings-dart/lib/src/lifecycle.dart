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
class SessionLifecycleBinding {
  SessionLifecycleBinding(Future<AsyncSessionTracker> tracker, {void Function(SessionCoreException error)? onError})
      : _tracker = tracker,
        _onError = onError ?? ((error) => debugPrint('sessioncore: transition not recorded: $error')) {
    switch (WidgetsBinding.instance.lifecycleState) {
      case AppLifecycleState.resumed:
        _forward((tracker) => tracker.launch(inBackground: false));
      case AppLifecycleState.paused || AppLifecycleState.hidden || AppLifecycleState.detached:
        _forward((tracker) => tracker.launch(inBackground: true));
      case AppLifecycleState.inactive || null:
        break;
    }
    _listener = AppLifecycleListener(
      onHide: () => _forward((tracker) => tracker.background()),
      onResume: () => _forward((tracker) => tracker.foreground()),
    );
  }

  final Future<AsyncSessionTracker> _tracker;
  final void Function(SessionCoreException error) _onError;
  late final AppLifecycleListener _listener;

  void dispose() => _listener.dispose();

  /// Callbacks on one future run in the order they were added: the calls reach the worker in order.
  void _forward(Future<void> Function(AsyncSessionTracker tracker) call) {
    _tracker.then(call).then<void>((_) {}, onError: (Object error, StackTrace stack) {
      if (error is! SessionCoreException) Error.throwWithStackTrace(error, stack);
      _onError(error);
    });
  }
}
