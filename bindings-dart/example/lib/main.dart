import 'package:flutter/material.dart';
import 'package:path_provider/path_provider.dart';
import 'package:sessioncore/sessioncore.dart';

Future<void> main() async {
  WidgetsFlutterBinding.ensureInitialized();
  final directory = await getApplicationSupportDirectory();
  final tracker = SessionTracker.open('${directory.path}/sessions.db');
  SessionLifecycleBinding(tracker);
  runApp(ExampleApp(tracker: tracker));
}

class ExampleApp extends StatefulWidget {
  const ExampleApp({super.key, required this.tracker});

  final SessionTracker tracker;

  @override
  State<ExampleApp> createState() => _ExampleAppState();
}

class _ExampleAppState extends State<ExampleApp> {
  String _entity = 'Tap the button to track an event.';

  void _track() {
    final event = widget.tracker.track();
    setState(() => _entity = event?.snowplowContextJson ?? 'no session entity');
  }

  @override
  Widget build(BuildContext context) {
    return MaterialApp(
      home: Scaffold(
        appBar: AppBar(title: const Text('sessioncore')),
        body: Padding(padding: const EdgeInsets.all(16), child: SelectableText(_entity)),
        floatingActionButton: FloatingActionButton(onPressed: _track, child: const Icon(Icons.add)),
      ),
    );
  }
}
