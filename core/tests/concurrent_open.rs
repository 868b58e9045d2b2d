//! Concurrent opens of one file (rule 17): threads (each with its own
//! tracker object) and processes opening a new, a healthy or a damaged file
//! at the same instant, then tracking one event. Every trial must end with no
//! crash, no error (`database is locked` included), one userId, no healthy
//! database moved aside, exactly one move for a damaged file, and every
//! recovery reported naming that one move.
//!
//! Child processes are this test binary run again with `SESSIONCORE_CHILD`
//! set; they wait for a start file so that their opens collide.
//! `SESSIONCORE_OPEN_TRIALS` sets the trials per case (default 20;
//! `scripts/reliability-long.sh` runs 1 000).

use sessioncore::{ClockReading, SessionTracker, TrackerConfig};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::Duration;

const T0: i64 = 1_700_000_000_000;
const PROCESSES: usize = 8;
const THREADS: usize = 6;

fn trials() -> usize {
    std::env::var("SESSIONCORE_OPEN_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sessioncore-concurrent-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// 8 KiB that no SQLite would take for a database.
fn junk() -> Vec<u8> {
    (0..8192u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect()
}

#[derive(Clone, Copy, Debug)]
enum Start {
    New,
    Healthy,
    Damaged,
}

/// Prepares `db` for a trial and returns the userId it already holds.
fn prepare(db: &Path, start: Start) -> Option<String> {
    match start {
        Start::New => None,
        Start::Healthy => {
            let tracker = open(db).unwrap();
            tracker.track(None, Some(ClockReading::wall(T0))).unwrap();
            Some(tracker.user_id().unwrap())
        }
        Start::Damaged => {
            std::fs::write(db, junk()).unwrap();
            None
        }
    }
}

fn open(db: &Path) -> Result<Arc<SessionTracker>, sessioncore::SessionCoreError> {
    SessionTracker::open(db.display().to_string(), "default".into(), TrackerConfig::default())
}

/// One opener's result as a line: `ok USER_ID MOVED_TO|-` or `error MESSAGE`.
fn open_and_track(db: &Path) -> String {
    let outcome = open(db).and_then(|tracker| {
        tracker.track(None, Some(ClockReading::wall(T0 + 1)))?;
        let moved_to = tracker.recovery()?.and_then(|r| r.moved_to);
        Ok(format!(
            "ok {} {}",
            tracker.user_id()?,
            moved_to.unwrap_or_else(|| "-".into())
        ))
    });
    outcome.unwrap_or_else(|e| format!("error {e}"))
}

/// The entry point of every child process; a no-op in a normal test run.
#[test]
fn child_process_entry() {
    let Ok(args) = std::env::var("SESSIONCORE_CHILD") else {
        return;
    };
    let (db, go) = args.split_once('\n').unwrap();
    while !Path::new(go).exists() {
        std::thread::sleep(Duration::from_micros(200));
    }
    // The harness has printed "test child_process_entry ... " without a newline.
    println!("\n{}", open_and_track(Path::new(db)));
}

/// What all trials of one case added up to.
#[derive(Debug, Default)]
struct Tally {
    opens: usize,
    crashes: usize,
    errors: Vec<String>,
    locked: usize,
    split_user_ids: usize,
    healthy_moved_aside: usize,
    recoveries_reported: usize,
    reports_naming_another_file: usize,
    damaged_trials_without_a_report: usize,
}

impl Tally {
    /// Checks one trial's lines (`None` for a crashed opener) and the files left.
    fn add(&mut self, dir: &Path, db: &Path, start: Start, before: Option<String>, lines: &[Option<String>]) {
        let mut user_ids = BTreeSet::new();
        user_ids.extend(before);
        let expected_move = format!("{}.corrupt-1", db.display());
        let reported_before = self.recoveries_reported;
        for line in lines {
            self.opens += 1;
            let Some(line) = line else {
                self.crashes += 1;
                continue;
            };
            let mut words = line.splitn(3, ' ');
            match (words.next(), words.next(), words.next()) {
                (Some("ok"), Some(user_id), Some(moved_to)) => {
                    user_ids.insert(user_id.to_owned());
                    if moved_to != "-" {
                        self.recoveries_reported += 1;
                        if moved_to != expected_move {
                            self.reports_naming_another_file += 1;
                        }
                    }
                }
                _ => {
                    self.locked += usize::from(line.contains("locked"));
                    self.errors.push(line.clone());
                }
            }
        }
        user_ids.extend(open(db).ok().map(|t| t.user_id().unwrap()));
        self.split_user_ids += user_ids.len().saturating_sub(1);
        let moved: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                name.contains(".corrupt-") && !name.ends_with("-wal") && !name.ends_with("-shm")
            })
            .collect();
        let damaged_kept = moved
            .iter()
            .filter(|path| std::fs::read(path).unwrap() == junk())
            .count();
        self.healthy_moved_aside += moved.len() - damaged_kept;
        if matches!(start, Start::Damaged) {
            assert_eq!(damaged_kept, 1, "the damaged file is kept byte for byte, once");
            self.damaged_trials_without_a_report += usize::from(self.recoveries_reported == reported_before);
        }
    }

    fn check(&self, case: &str, trials: usize) {
        eprintln!(
            "{case}: {trials} trials, {} opens: {} crashes, {} errors ({} `database is locked`), \
             {} split userIds, {} healthy files moved aside, {} recoveries reported ({} naming another file, \
             {} damaged trials without one)",
            self.opens,
            self.crashes,
            self.errors.len(),
            self.locked,
            self.split_user_ids,
            self.healthy_moved_aside,
            self.recoveries_reported,
            self.reports_naming_another_file,
            self.damaged_trials_without_a_report
        );
        assert_eq!(self.crashes, 0, "{case}: crashed openers");
        assert_eq!(self.errors, Vec::<String>::new(), "{case}: failed opens");
        assert_eq!(self.split_user_ids, 0, "{case}: one file, several userIds");
        assert_eq!(self.healthy_moved_aside, 0, "{case}: healthy databases moved aside");
        assert_eq!(
            self.reports_naming_another_file, 0,
            "{case}: recoveries naming another file"
        );
        assert_eq!(
            self.damaged_trials_without_a_report, 0,
            "{case}: a move nobody reported"
        );
    }
}

/// Runs the trials of one case: `openers` opens the trial's file at once
/// from several places and returns each one's line (`None`: it crashed).
fn open_at_once(case: &str, start: Start, openers: fn(&Path) -> Vec<Option<String>>) {
    let dir = temp_dir(case);
    let mut tally = Tally::default();
    let trials = trials();
    for trial in 0..trials {
        let trial_dir = dir.join(trial.to_string());
        std::fs::create_dir(&trial_dir).unwrap();
        let db = trial_dir.join("sessions.db");
        let before = prepare(&db, start);
        let lines = openers(&db);
        tally.add(&trial_dir, &db, start, before, &lines);
        std::fs::remove_dir_all(&trial_dir).unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
    tally.check(case, trials);
}

fn processes(db: &Path) -> Vec<Option<String>> {
    let go = db.with_file_name("go");
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "child_process_entry", "--nocapture", "--test-threads=1"])
                .env("SESSIONCORE_CHILD", format!("{}\n{}", db.display(), go.display()))
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    std::fs::write(&go, b"").unwrap();
    children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            let line = stdout.lines().find(|l| l.starts_with("ok ") || l.starts_with("error "));
            match (output.status.success(), line) {
                (true, Some(line)) => Some(line.to_owned()),
                (true, None) => Some(format!("error no outcome printed: {stdout}")),
                (false, _) => None,
            }
        })
        .collect()
}

fn threads(db: &Path) -> Vec<Option<String>> {
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (db, barrier) = (db.to_owned(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                open_and_track(&db)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().ok()).collect()
}

const STARTS: [(&str, Start); 3] = [
    ("new", Start::New),
    ("healthy", Start::Healthy),
    ("damaged", Start::Damaged),
];

#[test]
fn processes_opening_one_file_at_once() {
    for (name, start) in STARTS {
        open_at_once(&format!("processes-{name}"), start, processes);
    }
}

#[test]
fn threads_opening_one_file_at_once() {
    for (name, start) in STARTS {
        open_at_once(&format!("threads-{name}"), start, threads);
    }
}
