//! Per-event costs next to the physical floor, measured in one run so the
//! ratios hold on a noisy machine: `cargo bench -p sessioncore --bench tracking`.
//! Every database lives in a real file in the system temp directory, with
//! the pragmas sessioncore uses (WAL, synchronous=FULL).

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion};
use sessioncore::{ClockReading, SessionTracker, TrackerConfig};
use std::path::PathBuf;
use std::time::Duration;

const T0: i64 = 1_700_000_000_000;

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sessioncore-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open(path: &std::path::Path) -> std::sync::Arc<SessionTracker> {
    SessionTracker::open(path.display().to_string(), "default".into(), TrackerConfig::default()).unwrap()
}

/// The floor: one autocommit single-row UPDATE under the given pragmas.
fn bench_floor(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, journal_mode: &str, synchronous: &str) {
    let dir = fresh_dir(name);
    let conn = rusqlite::Connection::open(dir.join("floor.db")).unwrap();
    conn.pragma_update(None, "journal_mode", journal_mode).unwrap();
    conn.pragma_update(None, "synchronous", synchronous).unwrap();
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (1, 0);")
        .unwrap();
    let mut update = conn.prepare("UPDATE t SET v = v + 1 WHERE id = 1").unwrap();
    group.bench_function(name, |b| b.iter(|| update.execute([]).unwrap()));
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("durable");
    group.measurement_time(Duration::from_secs(8));

    // The same pragmas as sessioncore (WAL, synchronous=FULL): the baseline.
    bench_floor(&mut group, "sqlite_single_row_update_commit", "wal", "FULL");
    // What the other durability settings would cost (docs/performance.md).
    bench_floor(&mut group, "sqlite_update_wal_normal", "wal", "NORMAL");
    bench_floor(&mut group, "sqlite_update_rollback_full", "delete", "FULL");
    bench_floor(&mut group, "sqlite_update_wal_off", "wal", "OFF");

    let dir = fresh_dir("track");
    let tracker = open(&dir.join("sessions.db"));
    let mut now = T0;
    group.bench_function("track", |b| {
        b.iter(|| {
            now += 1;
            tracker.track(None, Some(ClockReading::wall(now))).unwrap()
        })
    });
    group.bench_function("background_foreground_pair", |b| {
        b.iter(|| {
            now += 1;
            tracker.background(None, Some(ClockReading::wall(now))).unwrap();
            now += 1;
            tracker.foreground(None, Some(ClockReading::wall(now))).unwrap()
        })
    });
    group.bench_function("getter_session_index", |b| b.iter(|| tracker.session_index().unwrap()));
    tracker.close_storage().unwrap();

    let existing = dir.join("sessions.db");
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

    // The same calls on tmpfs, where a commit costs no fsync: what the
    // bindings add to a call shows against this, not against disk noise.
    let mut group = c.benchmark_group("tmpfs");
    group.measurement_time(Duration::from_secs(5));
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        shm.join(format!("sessioncore-bench-{}", std::process::id()))
    } else {
        fresh_dir("tmpfs")
    };
    std::fs::create_dir_all(&dir).unwrap();
    let tracker = open(&dir.join("sessions.db"));
    group.bench_function("track", |b| {
        b.iter(|| {
            now += 1;
            tracker.track(None, Some(ClockReading::wall(now))).unwrap()
        })
    });
    // What reading the wall and boot clocks under the lock adds to a call
    // (every app's path) over a time passed in (tests and replays).
    group.bench_function("track_reading_the_clocks", |b| {
        b.iter(|| tracker.track(None, None).unwrap())
    });
    group.bench_function("getter_session_index", |b| b.iter(|| tracker.session_index().unwrap()));
    group.finish();
    tracker.close_storage().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(tracking, benches);
criterion_main!(tracking);
