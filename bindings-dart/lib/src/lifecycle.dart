import 'package:flutter/widgets.dart';

import '../sessioncore.dart';

/// Wires the app's foreground/background transitions into a tracker through
/// Flutter's [AppLifecycleListener]: the app is in the background when all
/// its views are hidden (`onHide`) and back when one shows (`onShow`).
/// Create it once after `WidgetsFlutterBinding.ensureInitialized()`; call
/// [dispose] when the tracker goes away.
class SessionLifecycleBinding {
  SessionLifecycleBinding(SessionTracker tracker, {void Function(SessionCoreException error)? onError})
      : _listener = AppLifecycleListener(
          onHide: () => _forward(() => tracker.background(), onError),
          onShow: () => _forward(() => tracker.foreground(), onError),
        );

  final AppLifecycleListener _listener;

  void dispose() => _listener.dispose();

  static void _forward(void Function() call, void Function(SessionCoreException error)? onError) {
    try {
      call();
    } on SessionCoreException catch (error) {
      (onError ?? (e) => debugPrint('sessioncore: transition not recorded: $e'))(error);
    }
  }
}
