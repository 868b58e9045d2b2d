//! Trackers of one file opened and closed on several threads at once, as an
//! app's extensions, workers and short-lived objects do. SQLite 3.51's unix
//! VFS takes its global mutex and a file's lock mutex in opposite orders when
//! one connection closes (an exclusive lock, inside the file's mutex) while
//! another opens or closes (the file's mutex, inside the global one), and
//! the two threads then wait for each other for good; the core closes under
//! its open lock. The window is a few instructions wide: the Swift suite hit
//! it once, while this stress ran 160 000 cycles (2 and 4 threads) on the
//! code before the fix without a hang. It guards against the deadlock; it
//! does not reliably reproduce it.

use sessioncore::{SessionTracker, TrackerConfig};
use std::sync::mpsc;
use std::time::Duration;

const THREADS: usize = 2;
const CYCLES: usize = 2000;

#[test]
fn threads_opening_and_closing_one_file_never_deadlock() {
    let dir = std::env::temp_dir().join(format!("sessioncore-open-close-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("sessions.db").display().to_string();
    let (done, finished) = mpsc::channel();
    for _ in 0..THREADS {
        let (db, done) = (db.clone(), done.clone());
        std::thread::spawn(move || {
            let mut events = 0;
            for _ in 0..CYCLES {
                let tracker = SessionTracker::open(db.clone(), "default".into(), TrackerConfig::default()).unwrap();
                events += usize::from(tracker.track(None, None).unwrap().is_some());
                drop(tracker);
            }
            done.send(events).unwrap();
        });
    }
    let mut events = 0;
    for finished_threads in 0..THREADS {
        // A deadlock never ends: a generous bound turns it into a failure.
        match finished.recv_timeout(Duration::from_secs(300)) {
            Ok(tracked) => events += tracked,
            Err(_) => panic!(
                "deadlock: {} of {THREADS} threads still opening or closing",
                THREADS - finished_threads
            ),
        }
    }
    assert_eq!(events, THREADS * CYCLES);
    std::fs::remove_dir_all(dir).unwrap();
}
