// Every conformance scenario through the Dart driver and the one checker
// (run with `flutter test` where a Flutter SDK exists; scripts/test-dart.sh
// says when it cannot).
import 'dart:io';

import 'package:flutter_test/flutter_test.dart';
import 'package:sessioncore/sessioncore.dart';

import 'scenario_driver.dart';

void main() {
  final library = Platform.environment['SESSIONCORE_LIBRARY'];
  if (library != null) loadSessionCore(libraryPath: library);
  final scenarios = Platform.environment['SESSIONCORE_SCENARIO_DIR'] ?? '../tests/scenarios';
  final extra = Platform.environment['SESSIONCORE_SCENARIOS'] ?? '';
  final files = [
    for (final dir in [scenarios, if (extra.isNotEmpty) extra])
      ...Directory(dir).listSync().whereType<File>().where((f) => f.path.endsWith('.json')),
  ]..sort((a, b) => a.path.compareTo(b.path));
  final results = <String>[];

  test('the suite is there', () => expect(files.length, greaterThanOrEqualTo(40)));
  for (final file in files) {
    final name = file.uri.pathSegments.last.replaceAll('.json', '');
    test(name, () {
      final failure = replay(file, resultsKey: 'dart');
      results.add('$name\t${failure == null ? 'pass' : 'fail'}\t${failure ?? ''}');
      expect(failure, isNull);
    });
  }
  test('a wrong expectation fails the run', () {
    expect(replay(File('$scenarios/../conformance/negative/wrong-expectation.json')),
        'wrong-expectation step 2 `track`: eventIndex: expected 3, got 2');
  });
  test('an unknown op is refused before anything runs', () {
    expect(replay(File('$scenarios/../conformance/negative/unknown-op.json')), contains('unknown variant `trak`'));
  });

  tearDownAll(() {
    final dir = Platform.environment['SESSIONCORE_RESULTS_DIR'] ?? '';
    if (dir.isNotEmpty) File('$dir/dart.tsv').writeAsStringSync(results.map((line) => '$line\n').join());
  });
}
