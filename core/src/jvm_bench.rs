//! The JMH benchmark's baseline (feature `jvm-bench`; never in a shipped
//! library): the same `SessionTracker` calls as the Kotlin wrapper makes,
//! called from a JVM over one bare JNI crossing, their results dropped in
//! Rust. The Kotlin rows minus these rows are the wrapper's own cost, with
//! the JVM's threads, heap and caches the same on both sides; criterion's
//! rows, from a process of their own, differ from these by more than that
//! cost (docs/performance.md).

use crate::api::{SessionTracker, TrackerConfig};
use jni_sys::{jboolean, jbyteArray, jclass, jint, jlong, JNIEnv, JNI_FALSE, JNI_TRUE};
use std::hint::black_box;
use std::sync::Arc;

/// Opens a tracker for `path` (UTF-8 bytes) in the default namespace; 0 when it cannot.
#[no_mangle]
pub extern "system" fn Java_dev_sessioncore_bench_RustBaseline_open(
    env: *mut JNIEnv,
    _class: jclass,
    path: jbyteArray,
) -> jlong {
    // SAFETY: `env` and `path` come from the JVM for this call.
    let path = unsafe { crate::jvm_fast_path::read_bytes(env, path) };
    let Some(Ok(path)) = path.map(String::from_utf8) else {
        return 0;
    };
    match SessionTracker::open(path, "default".into(), TrackerConfig::default()) {
        Ok(tracker) => Arc::into_raw(tracker) as jlong,
        Err(_) => 0,
    }
}

/// # Safety
/// `tracker` came from `open` and was not closed.
unsafe fn tracker<'a>(tracker: jlong) -> &'a SessionTracker {
    &*(tracker as *const SessionTracker)
}

/// `track()` as the wrapper calls it (no id, the core reads the clocks); false when it failed.
#[no_mangle]
pub extern "system" fn Java_dev_sessioncore_bench_RustBaseline_track(
    _env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
) -> jboolean {
    // SAFETY: the benchmark passes what `open` returned, until `close`.
    let event = unsafe { tracker(handle) }.track(None, None);
    if black_box(event).is_ok() {
        JNI_TRUE
    } else {
        JNI_FALSE
    }
}

/// The session index getter; -1 when the call failed or there is no session.
#[no_mangle]
pub extern "system" fn Java_dev_sessioncore_bench_RustBaseline_sessionIndex(
    _env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
) -> jint {
    // SAFETY: as for `track`.
    let index = unsafe { tracker(handle) }.session_index();
    black_box(index).ok().flatten().unwrap_or(-1)
}

/// A crossing that does nothing: what the rows above pay to be called at all.
#[no_mangle]
pub extern "system" fn Java_dev_sessioncore_bench_RustBaseline_nothing(_env: *mut JNIEnv, _class: jclass) {}

/// Closes what `open` returned.
#[no_mangle]
pub extern "system" fn Java_dev_sessioncore_bench_RustBaseline_close(_env: *mut JNIEnv, _class: jclass, handle: jlong) {
    // SAFETY: as for `track`; the benchmark makes no call after this one.
    let tracker = unsafe { Arc::from_raw(handle as *const SessionTracker) };
    let _ = tracker.close_storage();
}
