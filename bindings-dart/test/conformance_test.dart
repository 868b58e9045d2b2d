// Every conformance scenario, each as its own test (run with `dart test`
// where a Dart SDK exists; scripts/test-dart.sh says when it cannot).
import 'dart:io';

import 'package:sessioncore/sessioncore.dart';
import 'package:flutter_test/flutter_test.dart';

import 'scenario_runner.dart';

void main() {
  final library = Platform.environment['SESSIONCORE_LIBRARY'];
  if (library != null) loadSessionCore(libraryPath: library);
  final results = <String>[];

  final files = scenarioFiles();
  test('the suite is there', () => expect(files.length, greaterThanOrEqualTo(40)));
  for (final file in files) {
    final name = file.uri.pathSegments.last.replaceAll(RegExp(r'\.json$'), '');
    test(name, () {
      try {
        ScenarioRunner(file).run();
        results.add('$name\tpass\t');
      } catch (failure) {
        results.add('$name\tfail\t$failure');
        rethrow;
      }
    });
  }

  tearDownAll(() {
    final dir = Platform.environment['SESSIONCORE_RESULTS_DIR'] ?? '';
    if (dir.isNotEmpty) File('$dir/dart.tsv').writeAsStringSync(results.map((line) => '$line\n').join());
  });
}
