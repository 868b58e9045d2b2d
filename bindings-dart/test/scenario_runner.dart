// Replays one conformance scenario (docs/scenario-format.md) through the Dart
// wrapper. The Rust runner (core/src/scenario/) is the reference.
import 'dart:convert';
import 'dart:io';
import 'dart:math';

import 'package:sessioncore/sessioncore.dart';

class ScenarioFailure implements Exception {
  ScenarioFailure(this.message);
  final String message;
  @override
  String toString() => message;
}

const nilUuid = '00000000-0000-0000-0000-000000000000';
const schemaUri = 'iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2';
const topKeys = {'name', 'rules', 'description', 'config', 'startMs', 'steps'};
const configKeys = {'foregroundTimeoutMs', 'backgroundTimeoutMs', 'continueSessionOnRestart', 'maxSessionDurationMs', 'anonymous'};
const commonKeys = {'op', 'namespace', 'comment', 'expect', 'state', 'expectError'};
const eventOps = {'track', 'background', 'foreground'};
const opFields = <String, (Set<String>, Set<String>)>{
  'track': ({'at'}, {'eventId'}),
  'background': ({'at'}, {'eventId'}),
  'foreground': ({'at'}, {'eventId'}),
  'restart': ({}, {'config'}),
  'startNewSession': ({}, {}),
  'pause': ({}, {}),
  'resume': ({}, {}),
  'setAnonymous': ({'value'}, {}),
  'setAppUserId': ({'value'}, {}),
  'startManualSession': ({'at'}, {'customId'}),
  'endSession': ({}, {}),
  'check': ({}, {'at'}),
  'seedIndexes': ({'sessionIndex', 'eventIndex'}, {}),
};
const expectKeys = {
  'entity', 'session', 'previousSession', 'sessionIndex', 'eventIndex', 'firstEventId', 'firstEventAt', //
  'userId', 'appUserId', 'isNewSession', 'newSessionReason', 'rudderSessionId', 'amplitudeSessionId',
};
const stateKeys = {
  'session', 'previousSession', 'sessionIndex', 'eventIndex', 'isInBackground', 'foregroundIndex', //
  'backgroundIndex', 'userId', 'appUserId',
};
const errorKinds = {'InvalidConfig', 'InvalidArgument', 'Storage', 'Closed', 'Internal'};

List<File> scenarioFiles() {
  final root = Platform.environment['SESSIONCORE_SCENARIO_DIR'] ?? '../tests/scenarios';
  final extra = Platform.environment['SESSIONCORE_SCENARIOS'] ?? '';
  final dirs = [root, if (extra.isNotEmpty) extra];
  final files = [
    for (final dir in dirs)
      ...Directory(dir).listSync().whereType<File>().where((f) => f.path.endsWith('.json')),
  ]..sort((a, b) => a.path.compareTo(b.path));
  return files;
}

String _uuid() {
  final random = Random.secure();
  final bytes = List<int>.generate(16, (_) => random.nextInt(256));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  final hex = bytes.map((b) => b.toRadixString(16).padLeft(2, '0')).join();
  return '${hex.substring(0, 8)}-${hex.substring(8, 12)}-${hex.substring(12, 16)}-${hex.substring(16, 20)}-${hex.substring(20)}';
}

class _Labels {
  final _byLabel = <String, String>{};
  final _byValue = <String, String>{};

  void check(String what, String label, String actual) {
    final bound = _byLabel[label];
    if (bound != null) {
      if (bound != actual) throw ScenarioFailure('$what: expected $label ($bound), got $actual');
      return;
    }
    if (_byValue.containsKey(actual)) {
      throw ScenarioFailure('$what: expected a new id for $label, got $actual, which is ${_byValue[actual]}');
    }
    _byLabel[label] = actual;
    _byValue[actual] = label;
  }

  String idFor(String label) => _byLabel.putIfAbsent(label, () {
        final id = _uuid();
        _byValue[id] = label;
        return id;
      });
}

TrackerConfig merged(TrackerConfig base, Map<String, dynamic> patch) => TrackerConfig(
      foregroundTimeoutMs: patch['foregroundTimeoutMs'] as int? ?? base.foregroundTimeoutMs,
      backgroundTimeoutMs: patch['backgroundTimeoutMs'] as int? ?? base.backgroundTimeoutMs,
      continueSessionOnRestart: patch['continueSessionOnRestart'] as bool? ?? base.continueSessionOnRestart,
      maxSessionDurationMs:
          patch.containsKey('maxSessionDurationMs') ? patch['maxSessionDurationMs'] as int? : base.maxSessionDurationMs,
      anonymous: patch['anonymous'] as bool? ?? base.anonymous,
    );

class ScenarioRunner {
  ScenarioRunner(this.file) : scenario = jsonDecode(file.readAsStringSync()) as Map<String, dynamic>;

  final File file;
  final Map<String, dynamic> scenario;
  late final int startMs = scenario['startMs'] as int;
  late TrackerConfig config = merged(const TrackerConfig(), (scenario['config'] ?? {}) as Map<String, dynamic>);
  late final Directory directory = Directory.systemTemp.createTempSync('sessioncore-dart-');
  int nowMs = 0;
  final trackers = <String, SessionTracker>{};
  final sessions = _Labels(), users = _Labels(), events = _Labels();

  void run() {
    validate();
    try {
      tracker('default');
      final steps = (scenario['steps'] as List).cast<Map<String, dynamic>>();
      for (var i = 0; i < steps.length; i++) {
        try {
          step(steps[i]);
        } on ScenarioFailure catch (failure) {
          throw ScenarioFailure('step ${i + 1} (${steps[i]['op']}): $failure');
        }
      }
    } finally {
      for (final tracker in trackers.values) {
        tracker.close();
      }
      directory.deleteSync(recursive: true);
    }
  }

  void validate() {
    unknown(scenario, topKeys, 'scenario');
    unknown((scenario['config'] ?? {}) as Map<String, dynamic>, configKeys, 'config');
    final stem = file.uri.pathSegments.last.replaceAll(RegExp(r'\.json$'), '');
    if (scenario['name'] != stem) throw ScenarioFailure('name ${scenario['name']} is not the file name $stem');
    final steps = (scenario['steps'] as List).cast<Map<String, dynamic>>();
    for (var i = 0; i < steps.length; i++) {
      final step = steps[i];
      final op = step['op'] as String?;
      final fields = opFields[op] ?? (throw ScenarioFailure('step ${i + 1}: unknown op $op'));
      unknown(step, {...commonKeys, ...fields.$1, ...fields.$2}, 'step ${i + 1} ($op)');
      for (final key in fields.$1) {
        if (!step.containsKey(key)) throw ScenarioFailure('step ${i + 1}: op $op needs $key');
      }
      if (step.containsKey('expect') && !eventOps.contains(op)) throw ScenarioFailure('step ${i + 1}: op $op takes no expect');
      unknown((step['expect'] ?? {}) as Map<String, dynamic>, expectKeys, 'step ${i + 1} expect');
      unknown((step['state'] ?? {}) as Map<String, dynamic>, stateKeys, 'step ${i + 1} state');
      unknown((step['config'] ?? {}) as Map<String, dynamic>, configKeys, 'step ${i + 1} config');
      final kind = step['expectError'];
      if (kind != null && !errorKinds.contains(kind)) throw ScenarioFailure('step ${i + 1}: unknown error kind $kind');
    }
  }

  void unknown(Map<String, dynamic> object, Set<String> known, String place) {
    final extra = object.keys.toSet().difference(known);
    if (extra.isNotEmpty) throw ScenarioFailure('$place: unknown keys ${extra.toList()..sort()}');
  }

  SessionTracker open(String namespace, TrackerConfig config) =>
      SessionTracker.open('${directory.path}/sessions.db', namespace: namespace, config: config, clock: () => nowMs);

  SessionTracker tracker(String namespace) => trackers[namespace] ??= open(namespace, config);

  void restart(Map<String, dynamic> patch) {
    final next = merged(config, patch);
    for (final tracker in trackers.values) {
      tracker.close();
    }
    SessionCoreException? failure;
    for (final namespace in trackers.keys.toList()) {
      try {
        trackers[namespace] = open(namespace, next);
      } on SessionCoreException catch (e) {
        failure = e;
        trackers[namespace] = open(namespace, config);
      }
    }
    if (failure != null) throw failure;
    config = next;
  }

  void step(Map<String, dynamic> step) {
    final expectedError = step['expectError'] as String?;
    SessionEvent? event;
    try {
      event = call(step);
      if (expectedError != null) throw ScenarioFailure('expected a $expectedError error, the call succeeded');
    } on SessionCoreException catch (e) {
      if (e.kind != expectedError) throw ScenarioFailure('unexpected error: ${e.kind} ($e)');
    }
    if (event != null) checkConsistency(event);
    final expect = step['expect'] as Map<String, dynamic>?;
    if (expect != null) checkEvent(expect, event);
    final state = step['state'] as Map<String, dynamic>?;
    if (state != null) checkState(state, tracker(step['namespace'] as String? ?? 'default').state);
  }

  SessionEvent? call(Map<String, dynamic> step) {
    final op = step['op'] as String;
    if (op == 'restart') {
      restart((step['config'] ?? {}) as Map<String, dynamic>);
      return null;
    }
    final tracker = this.tracker(step['namespace'] as String? ?? 'default');
    nowMs = startMs + (step['at'] as int? ?? 0);
    final label = step['eventId'] as String?;
    final eventId = label == null ? null : events.idFor(label);
    switch (op) {
      case 'track':
        return tracker.track(eventId: eventId);
      case 'background':
        return tracker.background(eventId: eventId);
      case 'foreground':
        return tracker.foreground(eventId: eventId);
      case 'startNewSession':
        tracker.startNewSession();
      case 'pause':
        tracker.pause();
      case 'resume':
        tracker.resume();
      case 'setAnonymous':
        tracker.setAnonymous(step['value'] as bool);
      case 'setAppUserId':
        tracker.setAppUserId(step['value'] as String?);
      case 'startManualSession':
        tracker.startManualSession(customId: step['customId'] as int?);
      case 'endSession':
        tracker.endSession();
      case 'seedIndexes':
        tracker.setIndexesForTesting(step['sessionIndex'] as int, step['eventIndex'] as int);
    }
    return null;
  }

  void checkEvent(Map<String, dynamic> expect, SessionEvent? event) {
    final wantsNone = expect.containsKey('entity') && expect['entity'] == null;
    if (event == null) {
      if (wantsNone) return;
      throw ScenarioFailure('expected an entity, got none');
    }
    if (wantsNone) throw ScenarioFailure('expected no entity, got session ${event.sessionId}');
    if (expect.containsKey('session')) checkSession('session', expect['session'] as String?, event.sessionId);
    if (expect.containsKey('previousSession')) {
      checkSession('previousSession', expect['previousSession'] as String?, event.previousSessionId);
    }
    if (expect.containsKey('userId')) checkUser(expect['userId'] as String, event.userId);
    if (expect.containsKey('firstEventId')) events.check('firstEventId', expect['firstEventId'] as String, event.firstEventId);
    compare(expect, '', {
      'sessionIndex': event.sessionIndex,
      'eventIndex': event.eventIndex,
      'firstEventAt': event.firstEventTimestampMs - startMs,
      'appUserId': event.appUserId,
      'isNewSession': event.isNewSession,
      'newSessionReason': event.newSessionReason?.name,
      'rudderSessionId': event.rudderstackSessionId,
      'amplitudeSessionId': event.amplitudeSessionId,
    });
  }

  void checkState(Map<String, dynamic> expect, SessionState state) {
    if (expect.containsKey('session')) checkSession('state session', expect['session'] as String?, state.sessionId);
    if (expect.containsKey('previousSession')) {
      checkSession('state previousSession', expect['previousSession'] as String?, state.previousSessionId);
    }
    if (expect.containsKey('userId')) checkUser(expect['userId'] as String, state.userId);
    compare(expect, 'state ', {
      'sessionIndex': state.sessionIndex,
      'eventIndex': state.eventIndex,
      'isInBackground': state.isInBackground,
      'foregroundIndex': state.foregroundIndex,
      'backgroundIndex': state.backgroundIndex,
      'appUserId': state.appUserId,
    });
  }

  void compare(Map<String, dynamic> expect, String prefix, Map<String, Object?> actual) {
    actual.forEach((key, value) {
      if (expect.containsKey(key) && expect[key] != value) {
        throw ScenarioFailure('$prefix$key: expected ${expect[key]}, got $value');
      }
    });
  }

  void checkSession(String what, String? label, String? actual) {
    if (label == null || actual == null) {
      if (label != actual) throw ScenarioFailure('$what: expected $label, got $actual');
      return;
    }
    sessions.check(what, label, actual);
  }

  void checkUser(String label, String actual) {
    if (label == 'anonymous' || actual == nilUuid) {
      if ((label == 'anonymous') != (actual == nilUuid)) throw ScenarioFailure('userId: expected $label, got $actual');
      return;
    }
    users.check('userId', label, actual);
  }

  /// Rule 12: the Snowplow JSON says what the record says.
  void checkConsistency(SessionEvent event) {
    final entity = jsonDecode(event.snowplowContextJson) as Map<String, dynamic>;
    final data = entity['data'] as Map<String, dynamic>;
    final consistent = entity['schema'] == schemaUri &&
        data['userId'] == event.userId &&
        data['sessionId'] == event.sessionId &&
        data['sessionIndex'] == event.sessionIndex &&
        data['eventIndex'] == event.eventIndex &&
        data['previousSessionId'] == event.previousSessionId &&
        data['storageMechanism'] == 'SQLITE' &&
        data['firstEventId'] == event.firstEventId &&
        RegExp(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$').hasMatch(data['firstEventTimestamp'] as String);
    if (!consistent) throw ScenarioFailure('entity JSON ${event.snowplowContextJson} disagrees with the record');
  }
}
