import 'package:flutter/material.dart';
import 'package:path_provider/path_provider.dart';
import 'package:sessioncore/sessioncore.dart';

void main() {
  WidgetsFlutterBinding.ensureInitialized();
  final sessions = getApplicationSupportDirectory().then((dir) => AsyncSessionTracker.open('${dir.path}/sessions.db'));
  SessionLifecycleBinding(sessions); // before any await: it sees the launch as it is
  runApp(ExampleApp(sessions: sessions));
}

class ExampleApp extends StatefulWidget {
  const ExampleApp({super.key, required this.sessions});

  final Future<AsyncSessionTracker> sessions;

  @override
  State<ExampleApp> createState() => _ExampleAppState();
}

class _ExampleAppState extends State<ExampleApp> {
  String _entity = 'Tap the button to track an event.';

  Future<void> _track() async {
    final event = await (await widget.sessions).track();
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
