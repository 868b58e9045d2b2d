// The async tracker (its worker isolate) and the lifecycle binding, driven
// through the test binding's lifecycle states, with the expiry timer ticking
// when a test says so ([ManualTicks]) (run with `flutter test` where a
// Flutter SDK exists; scripts/test-dart.sh says when it cannot).
import 'dart:async';
import 'dart:io';

import 'package:flutter/widgets.dart';
import 'package:flutter_test/flutter_test.dart';
import 'package:sessioncore/sessioncore.dart';

/// A user and a session another tracker stored, to import.
const storedUser = '6d1f8a8e-3f3c-4c1e-9d2a-0b6f3c1d2e4f';
const storedSession = 'a8c7d6e5-4b3a-4291-8f7e-6d5c4b3a2910';

void main() {
  final library = Platform.environment['SESSIONCORE_LIBRARY'];
  if (library != null) loadSessionCore(libraryPath: library);
  final binding = TestWidgetsFlutterBinding.ensureInitialized();
  late Directory dir;
  late String db;
  final bindings = <SessionLifecycleBinding>[];
  final trackers = <Future<AsyncSessionTracker>>[];
  late ManualTicks ticks;
  late List<EndedSession> ended;
  late SessionEndTimer sessionEnds;

  setUp(() {
    dir = Directory.systemTemp.createTempSync('sessioncore-dart-lifecycle-');
    db = '${dir.path}/sessions.db';
    ticks = ManualTicks();
    ended = [];
    sessionEnds = SessionEndTimer.repeatingWith(ticks.repeat, onSessionEnd: ended.add);
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

  Future<AsyncSessionTracker> open({TrackerConfig config = const TrackerConfig()}) =>
      AsyncSessionTracker.open(db, config: config, libraryPath: library);

  /// [minutes] ago on the wall clock alone: with no boot clock stored, the
  /// worker's calls (on the real clock) measure the time since on the wall clock.
  ClockReading minutesAgo(int minutes) =>
      ClockReading(wallMs: DateTime.now().millisecondsSinceEpoch - minutes * 60000);

  /// A store whose app went to the background after one event and was killed there.
  void killedInTheBackground() {
    final tracker = SessionTracker.open(db);
    tracker.track();
    tracker.background();
    tracker.close();
  }

  /// Installs the binding in [state], with the tracker still opening.
  Future<AsyncSessionTracker> install(
    AppLifecycleState state, {
    SessionEndTimer? sessionEnds,
    TrackerConfig config = const TrackerConfig(),
    void Function(SessionCoreException error)? onError,
  }) {
    binding.handleAppLifecycleStateChanged(state);
    final sessions = open(config: config);
    trackers.add(sessions);
    bindings.add(SessionLifecycleBinding(sessions, onError: onError ?? (error) => fail('$error'), sessionEnds: sessionEnds));
    return sessions;
  }

  /// Waits until the worker has made every call handed to it so far, and
  /// their results have been handed on: its calls are answered in order.
  Future<void> settled(Future<AsyncSessionTracker> sessions) async => (await sessions).state();

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

  test('the expiry timer runs in the foreground only, every interval', () async {
    final sessions = install(AppLifecycleState.inactive, sessionEnds: sessionEnds); // a cold start: not yet in the foreground
    expect(ticks.intervals, isEmpty);

    go([AppLifecycleState.resumed]);
    expect(ticks.intervals, [SessionEndTimer.defaultInterval]);
    go([AppLifecycleState.inactive, AppLifecycleState.resumed]); // an interruption (a system dialog): still in the foreground
    ticks.tick();
    ticks.tick();
    expect([ticks.intervals.length, ticks.running], [1, isTrue]);

    go([AppLifecycleState.inactive, AppLifecycleState.hidden, AppLifecycleState.paused]);
    expect(ticks.running, isFalse);
    ticks.tick(); // a cancelled timer does not tick
    go([AppLifecycleState.hidden, AppLifecycleState.inactive, AppLifecycleState.resumed]); // back: it runs again
    expect([ticks.intervals.length, ticks.running, ticks.ticked], [2, isTrue, 2]);

    bindings.removeLast().dispose();
    expect(ticks.running, isFalse);
    await settled(sessions);
    expect(ended, isEmpty);
    expect(await indexes(sessions), [2, 1, 1], reason: 'the Background event started the session; nothing was idle');
  });

  test('a session the timer ends goes to onSessionEnd once, and not with the next event', () async {
    final sessions = install(AppLifecycleState.resumed, sessionEnds: sessionEnds);
    final tracker = await sessions;
    final idle = minutesAgo(31); // longer than the foreground timeout (30 minutes)
    final first = (await tracker.track(at: idle))!;
    ticks.tick();
    await settled(sessions);
    ticks.tick(); // nothing is left to end
    await settled(sessions);
    expect(ended, [EndedSession(sessionId: first.sessionId, sessionIndex: 1, eventCount: 1, startMs: idle.wallMs, endMs: idle.wallMs)]);
    expect((await tracker.state()).sessionId, isNull);

    final within = minutesAgo(29);
    final next = (await tracker.track(at: within))!;
    expect([next.newSessionReason, next.previousSessionId, next.endedSession], [NewSessionReason.foregroundTimeout, first.sessionId, null],
        reason: 'reported by the timer: not again');
    ticks.tick(); // idle for 29 minutes: within the timeout
    await settled(sessions);
    expect(ended, hasLength(1));
    expect((await tracker.track())!.sessionId, next.sessionId);
  });

  test('after a move to the background the binding expires once, by the background timeout', () async {
    const config = TrackerConfig(backgroundTimeoutMs: 600000);
    // The app went to the background 20 minutes ago and was killed there; its
    // UI is about to show (nothing reported), and it goes back to the background.
    final before = SessionTracker.open(db, config: config);
    final start = minutesAgo(21), hidden = minutesAgo(20);
    final first = before.track(at: start)!;
    before.background(at: hidden);
    before.close();
    final sessions = install(AppLifecycleState.inactive, sessionEnds: sessionEnds, config: config);
    go([AppLifecycleState.hidden, AppLifecycleState.paused]);
    await settled(sessions);
    expect(ended, [EndedSession(sessionId: first.sessionId, sessionIndex: 1, eventCount: 2, startMs: start.wallMs, endMs: hidden.wallMs)]);
    expect([ticks.intervals, (await (await sessions).state()).isInBackground], [isEmpty, isTrue]);
  });

  test("the timer's failures go to onError, onSessionEnd's to FlutterError, none into the lifecycle", () async {
    final errors = <SessionCoreException>[];
    final reported = <FlutterErrorDetails>[];
    final previous = FlutterError.onError;
    FlutterError.onError = reported.add;
    addTearDown(() => FlutterError.onError = previous);
    final throwing = SessionEndTimer.repeatingWith(ticks.repeat, onSessionEnd: (_) => throw StateError('the app failed'));
    final sessions = install(AppLifecycleState.resumed, sessionEnds: throwing, onError: errors.add);
    await (await sessions).track(at: minutesAgo(31));
    ticks.tick();
    await settled(sessions);
    expect(reported.single.exception, isA<StateError>());
    expect(reported.single.library, 'sessioncore');
    expect((await (await sessions).state()).sessionId, isNull, reason: 'ended, and reported once');

    await (await sessions).close();
    ticks.tick();
    go([AppLifecycleState.inactive, AppLifecycleState.hidden]);
    await Future<void>.delayed(Duration.zero);
    expect(errors, [isA<ClosedException>(), isA<ClosedException>(), isA<ClosedException>()], reason: 'the tick, the background, its expiry');
    expect(reported, hasLength(1));
  });

  test('the expiry interval must be positive', () {
    for (final interval in [Duration.zero, const Duration(seconds: -1)]) {
      expect(() => SessionEndTimer(interval: interval, onSessionEnd: (_) {}),
          throwsA(isA<ArgumentError>().having((e) => e.name, 'name', 'interval')));
    }
    expect(SessionEndTimer(onSessionEnd: (_) {}).interval, const Duration(minutes: 1));
    expect(SessionEndTimer(interval: const Duration(milliseconds: 1), onSessionEnd: (_) {}).interval.inMilliseconds, 1);
  });

  test('the ending calls complete with the session they end; an import applies before any session', () async {
    final sessions = await open();
    trackers.add(Future.value(sessions));
    final lastActivity = minutesAgo(5);
    final imported = ImportedState(
      userId: storedUser,
      sessionId: storedSession,
      sessionIndex: 7,
      previousSessionId: null,
      eventIndex: 3,
      lastActivityMs: lastActivity.wallMs,
    );
    expect(await sessions.importState(imported), isTrue);
    expect(await sessions.importState(imported), isFalse, reason: 'this namespace has a session now');
    expect(await sessions.expireIfIdle(), isNull, reason: 'within its timeout');
    expect(await sessions.endSession(),
        EndedSession(sessionId: imported.sessionId, sessionIndex: 7, eventCount: 3, startMs: lastActivity.wallMs, endMs: lastActivity.wallMs));

    final next = (await sessions.track())!;
    expect([next.sessionIndex, next.endedSession], [8, null], reason: 'its end was returned by endSession');
    expect((await sessions.startManualSession())?.sessionId, next.sessionId);
    final afterManual = (await sessions.track())!;
    expect((await sessions.reset(newUserId: true))?.sessionId, afterManual.sessionId);
    expect(await sessions.reset(), isNull, reason: 'no session left to end');
    final state = await sessions.state();
    expect([state.sessionId, state.userId == imported.userId], [null, isFalse]);
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

  // The examples' bindings are not kept, so never disposed: from here on,
  // each test moves the lifecycle only as the platform would.
  test("the Flutter guide's session end, migration and logout", () async {
    binding.handleAppLifecycleStateChanged(AppLifecycleState.inactive);
    Future<Directory> getApplicationSupportDirectory() async => dir; // path_provider's, in an app
    final emitted = <EndedSession>[];
    void emitSessionEnd(EndedSession ended) => emitted.add(ended); // the app's own session_end event
    final firstEvent = minutesAgo(45);
    /// What the app's platform code read from the Snowplow tracker's store (here: a session 45 minutes old).
    Future<ImportedState?> readSnowplowState() async => ImportedState(
          userId: storedUser,
          sessionId: storedSession,
          sessionIndex: 7,
          previousSessionId: null,
          eventIndex: 1,
          lastActivityMs: firstEvent.wallMs,
          firstEventId: '0f1e2d3c-4b5a-4697-8877-665544332211',
          firstEventMs: firstEvent.wallMs,
        );
    // README example: flutter_session_end
    final sessions = getApplicationSupportDirectory().then((dir) async {
      final tracker = await AsyncSessionTracker.open('${dir.path}/sessions.db');
      tracker.onSessionUpdate = (event) {
        if (event.endedSession case final ended?) emitSessionEnd(ended); // the session before this one
      };
      final snowplow = await readSnowplowState(); // your platform code's: see "Migrating from the Snowplow tracker"
      if (snowplow != null) await tracker.importState(snowplow); // before any event; false: nothing changed
      return tracker;
    });
    SessionLifecycleBinding(sessions, sessionEnds: SessionEndTimer(onSessionEnd: emitSessionEnd)); // before any await
    // end README example
    trackers.add(sessions);
    go([AppLifecycleState.resumed]); // the app shows: the expiry timer runs (a real one, every minute)
    final next = (await (await sessions).track())!; // 45 minutes after the imported session's last activity
    expect([next.sessionIndex, next.previousSessionId, next.userId], [8, storedSession, storedUser]);
    expect(emitted, [EndedSession(sessionId: storedSession, sessionIndex: 7, eventCount: 1, startMs: firstEvent.wallMs, endMs: firstEvent.wallMs)]);

    // README example: flutter_logout
    final ended = await (await sessions).reset(newUserId: true); // at logout: the next event is a new user's first
    if (ended != null) emitSessionEnd(ended);
    // end README example
    expect([emitted.length, emitted.last.sessionIndex, (await (await sessions).state()).sessionId], [2, 8, null]);
    go([AppLifecycleState.inactive, AppLifecycleState.hidden, AppLifecycleState.paused]); // its real timer stops
    await settled(sessions);
  });

  test("the README's session end and logout", () async {
    go([AppLifecycleState.hidden, AppLifecycleState.inactive]); // a cold start: the UI is about to show
    final path = db;
    final emitted = <EndedSession>[];
    void emitSessionEnd(EndedSession ended) => emitted.add(ended); // the app's own session_end event
    final before = SessionTracker.open(path); // a session idle in the foreground for 31 minutes
    final idle = minutesAgo(31);
    final first = before.track(at: idle)!;
    before.close();
    // README example: dart_session_end
    final sessions = AsyncSessionTracker.open(path).then((tracker) {
      tracker.onSessionUpdate = (event) {
        if (event.endedSession case final ended?) emitSessionEnd(ended); // on the next session's first event
      };
      return tracker;
    });
    SessionLifecycleBinding(sessions, sessionEnds: SessionEndTimer(onSessionEnd: emitSessionEnd)); // ends idle sessions
    if (await (await sessions).reset(newUserId: true) case final ended?) emitSessionEnd(ended); // at logout
    // end README example
    trackers.add(sessions);
    expect(emitted, [EndedSession(sessionId: first.sessionId, sessionIndex: 1, eventCount: 1, startMs: idle.wallMs, endMs: idle.wallMs)]);
    final next = (await (await sessions).track())!;
    expect([next.newSessionReason, next.sessionIndex, next.endedSession, next.userId == first.userId], [NewSessionReason.reset, 1, null, isFalse]);
    expect(emitted, hasLength(1));
  });
}

/// The expiry timer's schedule, ticking when a test says so, as [Timer.periodic] would.
class ManualTicks {
  final intervals = <Duration>[];
  var ticked = 0;
  _Schedule? _schedule;

  bool get running => _schedule?.isActive ?? false;

  Timer repeat(Duration interval, void Function() tick) {
    intervals.add(interval);
    return _schedule = _Schedule(tick);
  }

  /// One tick, if the schedule runs: a cancelled timer never calls again.
  void tick() {
    final schedule = _schedule;
    if (schedule == null || !schedule.isActive) return;
    ticked++;
    schedule._tick++;
    schedule.call();
  }
}

class _Schedule implements Timer {
  _Schedule(this.call);

  final void Function() call;
  var _active = true;
  var _tick = 0;

  @override
  void cancel() => _active = false;

  @override
  bool get isActive => _active;

  @override
  int get tick => _tick;
}
