//! Per-event costs next to the physical floor, measured in one run so the
//! ratios hold on a noisy machine: `cargo bench -p sessioncore --bench tracking`.
//! `durable`: real files in the system temp directory; `tmpfs`: /dev/shm,
//! where a commit costs no fsync and the engine's own work shows. Each
//! floor is a bare single-row UPDATE committed with the same pragmas as the
//! tracker it is compared with (WAL, and the durability's `synchronous`).

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion};
use sessioncore::{ClockReading, Durability, SessionTracker, TrackerConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const T0: i64 = 1_700_000_000_000;

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sessioncore-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open(path: &Path) -> Arc<SessionTracker> {
    open_with(path, Durability::Full)
}

fn open_with(path: &Path, durability: Durability) -> Arc<SessionTracker> {
    let config = TrackerConfig {
        durability: Some(durability),
        ..TrackerConfig::default()
    };
    SessionTracker::open(path.display().to_string(), "default".into(), config).unwrap()
}

/// The floor: one autocommit single-row UPDATE under the given pragmas.
fn bench_floor(
    group: &mut BenchmarkGroup<'_, WallTime>,
    dir: &Path,
    name: &str,
    journal_mode: &str,
    synchronous: &str,
) {
    let conn = rusqlite::Connection::open(dir.join(format!("{name}.db"))).unwrap();
    conn.pragma_update(None, "journal_mode", journal_mode).unwrap();
    conn.pragma_update(None, "synchronous", synchronous).unwrap();
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (1, 0);")
        .unwrap();
    let mut update = conn.prepare("UPDATE t SET v = v + 1 WHERE id = 1").unwrap();
    group.bench_function(name, |b| b.iter(|| update.execute([]).unwrap()));
}

/// `track` with explicit, increasing times: what the engine does per event.
fn bench_track(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, tracker: &SessionTracker, now: &mut i64) {
    group.bench_function(name, |b| {
        b.iter(|| {
            *now += 1;
            tracker.track(None, Some(ClockReading::wall(*now))).unwrap()
        })
    });
}

fn benches(c: &mut Criterion) {
    let mut now = T0;
    let mut group = c.benchmark_group("durable");
    group.measurement_time(Duration::from_secs(8));
    let dir = fresh_dir("durable");

    // Each durability's tracker next to its floor (docs/performance.md).
    bench_floor(&mut group, &dir, "sqlite_single_row_update_commit", "wal", "FULL");
    let full = open(&dir.join("full.db"));
    bench_track(&mut group, "track", &full, &mut now);
    bench_floor(&mut group, &dir, "sqlite_update_wal_normal", "wal", "NORMAL");
    let normal = open_with(&dir.join("normal.db"), Durability::Normal);
    bench_track(&mut group, "track_normal_durability", &normal, &mut now);
    normal.close_storage().unwrap();
    // What the settings sessioncore does not offer would cost.
    bench_floor(&mut group, &dir, "sqlite_update_rollback_full", "delete", "FULL");
    bench_floor(&mut group, &dir, "sqlite_update_wal_off", "wal", "OFF");

    group.bench_function("background_foreground_pair", |b| {
        b.iter(|| {
            now += 1;
            full.background(None, Some(ClockReading::wall(now))).unwrap();
            now += 1;
            full.foreground(None, Some(ClockReading::wall(now))).unwrap()
        })
    });
    group.bench_function("getter_session_index", |b| b.iter(|| full.session_index().unwrap()));
    full.close_storage().unwrap();

    let existing = dir.join("full.db");
    group.bench_function("open_existing", |b| b.iter(|| open(&existing)));

    let cold = fresh_dir("cold");
    let mut n = 0u64;
    group.bench_function("open_first_time", |b| {
        b.iter_batched(
            || {
                n += 1;
                cold.join(format!("new-{n}.db"))
            },
            |path| open(&path),
            BatchSize::PerIteration,
        )
    });
    group.finish();

    // The same calls on tmpfs, where a commit costs no fsync: the engine's
    // own work against the floor, and what the bindings add to a call.
    let mut group = c.benchmark_group("tmpfs");
    group.measurement_time(Duration::from_secs(5));
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        shm.join(format!("sessioncore-bench-{}", std::process::id()))
    } else {
        fresh_dir("tmpfs")
    };
    std::fs::create_dir_all(&dir).unwrap();
    bench_floor(&mut group, &dir, "sqlite_single_row_update_commit", "wal", "FULL");
    let tracker = open(&dir.join("sessions.db"));
    bench_track(&mut group, "track", &tracker, &mut now);
    // What reading the wall and boot clocks under the lock adds to a call
    // (every app's path) over a time passed in (tests and replays).
    group.bench_function("track_reading_the_clocks", |b| {
        b.iter(|| tracker.track(None, None).unwrap())
    });
    group.bench_function("getter_session_index", |b| b.iter(|| tracker.session_index().unwrap()));
    // A getter after another connection committed: it reads the row again.
    let other = open(&dir.join("sessions.db"));
    group.bench_function("getter_after_another_commit", |b| {
        b.iter_batched(
            || {
                now += 1;
                other.track(None, Some(ClockReading::wall(now))).unwrap();
            },
            |()| tracker.session_index().unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
    other.close_storage().unwrap();
    tracker.close_storage().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(tracking, benches);
criterion_main!(tracking);
