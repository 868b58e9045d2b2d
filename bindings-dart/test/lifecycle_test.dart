// The async tracker (its worker isolate) and the lifecycle binding, driven
// through the test binding's lifecycle states (run with `flutter test`
// where a Flutter SDK exists; scripts/test-dart.sh says when it cannot).
import 'dart:io';

import 'package:flutter/widgets.dart';
import 'package:flutter_test/flutter_test.dart';
import 'package:sessioncore/sessioncore.dart';

void main() {
  final library = Platform.environment['SESSIONCORE_LIBRARY'];
  if (library != null) loadSessionCore(libraryPath: library);
  final binding = TestWidgetsFlutterBinding.ensureInitialized();
  late Directory dir;
  late String db;
  final bindings = <SessionLifecycleBinding>[];
  final trackers = <Future<AsyncSessionTracker>>[];

  setUp(() {
    dir = Directory.systemTemp.createTempSync('sessioncore-dart-lifecycle-');
    db = '${dir.path}/sessions.db';
  });
  tearDown(() async {
    for (final lifecycle in bindings) {
      lifecycle.dispose();
    }
    bindings.clear();
    for (final tracker in trackers) {
      await (await tracker).close();
    }
    trackers.clear();
    dir.deleteSync(recursive: true);
  });

  Future<AsyncSessionTracker> open() => AsyncSessionTracker.open(db, libraryPath: library);

  /// A store whose app went to the background after one event and was killed there.
  void killedInTheBackground() {
    final tracker = SessionTracker.open(db);
    tracker.track();
    tracker.background();
    tracker.close();
  }

  /// Installs the binding in [state], with the tracker still opening.
  Future<AsyncSessionTracker> install(AppLifecycleState state) {
    binding.handleAppLifecycleStateChanged(state);
    final sessions = open();
    trackers.add(sessions);
    bindings.add(SessionLifecycleBinding(sessions, onError: (error) => fail('$error')));
    return sessions;
  }

  /// Moves through the states in between, as the platform does.
  void go(List<AppLifecycleState> states) => states.forEach(binding.handleAppLifecycleStateChanged);

  Future<List<int?>> indexes(Future<AsyncSessionTracker> sessions) async {
    final state = await (await sessions).state();
    return [state.eventIndex, state.backgroundIndex, state.foregroundIndex];
  }

  test('calls return futures, run in order, with typed errors', () async {
    final sessions = await open();
    final started = <int>[];
    sessions.onSessionUpdate = (event) => started.add(event.sessionIndex);
    final events = await Future.wait([sessions.track(), sessions.background(), sessions.foreground(), sessions.track()]);
    expect(events.map((event) => event!.eventIndex), [1, 2, 3, 4]);
    expect(started, [1]);
    final state = await sessions.state();
    expect([state.backgroundIndex, state.foregroundIndex, state.isInBackground], [1, 1, false]);
    await expectLater(sessions.track(eventId: 'not-a-uuid'), throwsA(isA<InvalidArgumentException>()));
    await sessions.close();
    await expectLater(sessions.track(), throwsA(isA<ClosedException>()));
  });

  test('a tracker that cannot open fails its open', () async {
    await expectLater(
      AsyncSessionTracker.open(db, namespace: '', libraryPath: library),
      throwsA(isA<InvalidConfigException>().having((e) => e.field, 'field', 'namespace')),
    );
  });

  test('the binding reports the launch state without a transition', () async {
    final cases = {
      AppLifecycleState.resumed: false, // a late install
      AppLifecycleState.paused: true, // a background launch
      AppLifecycleState.inactive: true, // the UI is about to show: nothing yet
    };
    for (final MapEntry(key: state, value: inBackground) in cases.entries) {
      db = '${dir.path}/${state.name}.db';
      killedInTheBackground();
      final sessions = install(state);
      expect((await (await sessions).state()).isInBackground, inBackground, reason: '$state');
      expect(await indexes(sessions), [2, 1, 0], reason: '$state: no event');
      bindings.removeLast().dispose();
      await (await trackers.removeLast()).close();
    }
  });

  test('a round trip is one background, then one foreground', () async {
    final sessions = install(AppLifecycleState.resumed);
    await (await sessions).track();
    go([AppLifecycleState.inactive, AppLifecycleState.hidden, AppLifecycleState.paused]);
    go([AppLifecycleState.hidden, AppLifecycleState.inactive, AppLifecycleState.resumed]);
    expect(await indexes(sessions), [3, 1, 1]);
  });

  test('the cold start of an app killed in the background is a real foreground', () async {
    killedInTheBackground();
    final sessions = install(AppLifecycleState.inactive);
    go([AppLifecycleState.resumed]);
    expect(await indexes(sessions), [3, 1, 1]);
    expect((await (await sessions).state()).isInBackground, isFalse);
  });

  test('README example', () async {
    binding.handleAppLifecycleStateChanged(AppLifecycleState.inactive);
    Future<Directory> getApplicationSupportDirectory() async => dir; // path_provider's, in an app
    // README example: flutter
    final sessions = getApplicationSupportDirectory().then((dir) => AsyncSessionTracker.open('${dir.path}/sessions.db'));
    SessionLifecycleBinding(sessions); // before any await: it sees the launch as it is
    // end README example
    trackers.add(sessions);
    expect((await (await sessions).state()).sessionIndex, isNull);
  });
}
