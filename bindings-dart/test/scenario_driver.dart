// Dart's conformance driver: runs the steps the checker resolved
// (tests/conformance) through the public wrapper and returns the trace. What
// the trace must say is the checker's business, not this file's. The
// generated records' `toJson` already spells fields and enum cases as the
// trace does.
import 'dart:convert';
import 'dart:io';

import 'package:sessioncore/sessioncore.dart';

class ScenarioDriver {
  ScenarioDriver(Map<String, dynamic> resolved)
      : _steps = (resolved['steps'] as List).cast<Map<String, dynamic>>(),
        _config = TrackerConfig.fromJson(resolved['config'] as Map<String, dynamic>);

  final List<Map<String, dynamic>> _steps;
  final _dir = Directory.systemTemp.createTempSync('sessioncore-dart-');
  final _trackers = <String, SessionTracker>{}; // in order of first use
  TrackerConfig _config;

  String trace() {
    try {
      return [
        for (final (number, step) in _steps.indexed)
          '${jsonEncode(_line(number, step))}\n',
      ].join();
    } finally {
      for (final tracker in _trackers.values) {
        tracker.close();
      }
      _dir.deleteSync(recursive: true);
    }
  }

  Map<String, dynamic> _line(int number, Map<String, dynamic> step) {
    final (returned, error) = _outcome(() => _call(step));
    final (getters, gettersError) = _outcome(() => _getters(_tracker(step['namespace'] as String)));
    return {
      'step': number, 'op': step['op'], 'returned': returned, 'error': error, //
      'getters': gettersError == null ? getters : {'error': gettersError},
    };
  }

  (Object?, String?) _outcome(Object? Function() call) {
    try {
      final value = call();
      return (switch (value) { SessionEvent e => e.toJson(), EndedSession e => e.toJson(), _ => value }, null);
    } on SessionCoreException catch (e) {
      return (null, e.kind);
    }
  }

  SessionTracker _open(String namespace, TrackerConfig config) =>
      SessionTracker.open('${_dir.path}/sessions.db', namespace: namespace, config: config);

  SessionTracker _tracker(String namespace) => _trackers.putIfAbsent(namespace, () => _open(namespace, _config));

  /// Closes every tracker, then reopens each with [next], or with the
  /// configuration in effect when [next] is refused.
  void _restart(TrackerConfig next) {
    for (final tracker in _trackers.values) {
      tracker.close();
    }
    SessionCoreException? refused;
    for (final namespace in _trackers.keys.toList()) {
      try {
        _trackers[namespace] = _open(namespace, next);
      } on SessionCoreException catch (e) {
        refused = e;
        _trackers[namespace] = _open(namespace, _config);
      }
    }
    if (refused != null) throw refused;
    _config = next;
  }

  Object? _call(Map<String, dynamic> step) {
    if (step['op'] == 'restart') return _restart(TrackerConfig.fromJson(step['config'] as Map<String, dynamic>));
    final tracker = _tracker(step['namespace'] as String);
    final at = step['at'] == null ? null : ClockReading.fromJson(step['at'] as Map<String, dynamic>);
    final eventId = step['eventId'] as String?;
    return switch (step['op']) {
      'track' => tracker.track(eventId: eventId, at: at),
      'background' => tracker.background(eventId: eventId, at: at),
      'foreground' => tracker.foreground(eventId: eventId, at: at),
      'launch' => tracker.launch(inBackground: step['inBackground'] as bool),
      'startNewSession' => tracker.startNewSession(),
      'pause' => tracker.pause(),
      'resume' => tracker.resume(),
      'setAnonymous' => tracker.setAnonymous(step['value'] as bool),
      'setAppUserId' => tracker.setAppUserId(step['value'] as String?),
      'startManualSession' => tracker.startManualSession(customId: step['customId'] as int?, at: at),
      'endSession' => tracker.endSession(),
      'expireIfIdle' => tracker.expireIfIdle(at: at),
      'reset' => tracker.reset(newUserId: step['newUserId'] as bool),
      'importState' => tracker.importState(ImportedState.fromJson(step['importedState'] as Map<String, dynamic>)),
      'seedIndexes' => tracker.setIndexesForTesting(step['sessionIndex'] as int, step['eventIndex'] as int),
      _ => null, // open, check
    };
  }

  Map<String, dynamic> _getters(SessionTracker t) => {
        'userId': t.userId, 'sessionId': t.sessionId, 'sessionIndex': t.sessionIndex, //
        'isInBackground': t.isInBackground, 'backgroundIndex': t.backgroundIndex,
        'foregroundIndex': t.foregroundIndex, 'state': t.state.toJson(),
      };
}

/// Runs the `conformance` binary: (succeeded, its output or why not).
(bool, String) checker(List<String> args) {
  final result = Process.runSync(Platform.environment['SESSIONCORE_CHECKER'] ?? 'SESSIONCORE_CHECKER-is-not-set', args);
  return result.exitCode == 0 ? (true, result.stdout as String) : (false, (result.stderr as String).trim());
}

/// Resolve, drive, check: null when the trace meets the scenario, else the checker's verdict.
String? replay(File file, {String? resultsKey}) {
  final (resolved, text) = checker(['resolve', file.path]);
  if (!resolved) return text;
  final results = Platform.environment['SESSIONCORE_RESULTS_DIR'] ?? '';
  final dir = results.isNotEmpty && resultsKey != null
      ? (Directory('$results/traces/$resultsKey')..createSync(recursive: true))
      : Directory.systemTemp.createTempSync('sessioncore-trace-');
  final trace = File('${dir.path}/${file.uri.pathSegments.last.replaceAll('.json', '.jsonl')}')
    ..writeAsStringSync(ScenarioDriver(jsonDecode(text) as Map<String, dynamic>).trace());
  final (passed, verdict) = checker(['check', file.path, trace.path]);
  if (results.isEmpty || resultsKey == null) dir.deleteSync(recursive: true);
  return passed ? null : verdict;
}
