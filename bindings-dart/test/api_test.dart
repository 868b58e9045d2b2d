// The Dart API beyond the scenarios: typed exceptions, closing, the callback,
// two trackers on one file.
import 'dart:io';

import 'package:sessioncore/sessioncore.dart';
import 'package:flutter_test/flutter_test.dart';

void main() {
  final library = Platform.environment['SESSIONCORE_LIBRARY'];
  if (library != null) loadSessionCore(libraryPath: library);
  const t0 = 1700000000000;
  late Directory dir;
  late String db;

  setUp(() {
    dir = Directory.systemTemp.createTempSync('sessioncore-dart-api-');
    db = '${dir.path}/sessions.db';
  });
  tearDown(() => dir.deleteSync(recursive: true));

  test('README example', () {
    final path = db;
    // README example: dart
    final tracker = SessionTracker.open(path, config: const TrackerConfig(backgroundTimeoutMs: 600000));
    tracker.onSessionUpdate = (event) => print('new session ${event.sessionId} (${event.newSessionReason})');
    final event = tracker.track();
    final context = event?.snowplowContextJson; // attach to the Snowplow event
    tracker.background();
    print('session ${tracker.sessionIndex}, in background: ${tracker.isInBackground}');
    tracker.close();
    // end README example
    expect(context, contains('"sessionIndex":1'));
  });

  test('invalid config names the field', () {
    expect(
      () => SessionTracker.open(db, config: const TrackerConfig(foregroundTimeoutMs: -1)),
      throwsA(isA<InvalidConfigException>().having((e) => e.field, 'field', 'foregroundTimeoutMs')),
    );
    expect(() => SessionTracker.open(db, namespace: ''), throwsA(isA<InvalidConfigException>()));
    expect(File(db).existsSync(), isFalse);
  });

  test('bad arguments are InvalidArgument', () {
    final tracker = SessionTracker.open(db);
    expect(() => tracker.startManualSession(customId: 123),
        throwsA(isA<InvalidArgumentException>().having((e) => e.argument, 'argument', 'customId')));
    expect(() => tracker.track(eventId: 'not-a-uuid'), throwsA(isA<InvalidArgumentException>()));
    expect(tracker.sessionId, isNull);
    tracker.close();
  });

  test('an unwritable path is a Storage error', () {
    expect(() => SessionTracker.open('${dir.path}/missing/dir/sessions.db'), throwsA(isA<StorageException>()));
  });

  test('a closed tracker throws Closed', () {
    final tracker = SessionTracker.open(db);
    tracker.close();
    tracker.close();
    expect(() => tracker.track(), throwsA(isA<ClosedException>()));
  });

  test('the callback fires once per new session', () {
    var now = t0;
    final seen = <SessionEvent>[];
    final tracker = SessionTracker.open(db, config: const TrackerConfig(foregroundTimeoutMs: 1000));
    tracker.onSessionUpdate = seen.add;
    for (final step in [0, 10, 10, 5000, 10]) {
      now += step;
      tracker.track(at: ClockReading(wallMs: now));
    }
    tracker.close();
    expect(seen.map((e) => e.sessionIndex), [1, 2]);
  });

  test('two trackers on one file stay consistent', () {
    final a = SessionTracker.open(db);
    final b = SessionTracker.open(db);
    final first = a.track()!;
    expect(b.sessionId, first.sessionId);
    expect(b.track()!.eventIndex, 2);
    expect(a.track()!.eventIndex, 3);
    a.close();
    b.close();
  });
}
