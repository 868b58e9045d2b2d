//! One JNI entry per per-event call (`track`, `background`, `foreground`) for
//! the Kotlin wrapper. Through stock uniffi over JNA, each of those calls is
//! four native crossings (clone the handle, allocate the argument buffer, the
//! call, free the returned buffer), each with a freshly allocated JNA
//! `Structure`; that is most of its cost on the JVM. Here it is one crossing
//! with plain byte arrays.
//!
//! Semantics cannot drift: these entries call the same `SessionTracker`
//! methods as the uniffi ones and return the bytes uniffi itself would write
//! (a status byte, then the lowered `Option<SessionEvent>` or the lowered
//! `SessionCoreError`), which the generated Kotlin converters read.

use crate::api::{guarded, SessionCoreError, SessionEvent, SessionTracker};
use crate::UniFfiTag;
use jni_sys::{jbyteArray, jclass, jlong, JNIEnv};
use std::panic::catch_unwind;
use std::sync::{Arc, Mutex, PoisonError};
use uniffi::{Lift, Lower, LowerError};

const STATUS_OK: u8 = 0;
const STATUS_ERROR: u8 = 1;

/// Trackers adopted by the fast path, with their ids. An id that is not here
/// (never adopted, or released) is refused, so a stale Kotlin object cannot
/// reach freed memory; a call in flight keeps its own `Arc`. An app holds a
/// handful of trackers: a list is smaller code than a map, and as fast.
struct Adopted {
    next_id: jlong,
    trackers: Vec<(jlong, Arc<SessionTracker>)>,
}

static ADOPTED: Mutex<Adopted> = Mutex::new(Adopted {
    next_id: 1,
    trackers: Vec::new(),
});

fn adopted() -> std::sync::MutexGuard<'static, Adopted> {
    ADOPTED.lock().unwrap_or_else(PoisonError::into_inner)
}

fn lookup(id: jlong) -> Result<Arc<SessionTracker>, SessionCoreError> {
    let adopted = adopted();
    let found = adopted.trackers.iter().find(|(adopted_id, _)| *adopted_id == id);
    found
        .map(|(_, tracker)| tracker.clone())
        .ok_or_else(|| SessionCoreError::Closed {
            detail: "the tracker was closed".into(),
        })
}

/// Takes over one uniffi handle of a tracker (from the generated
/// `uniffiCloneHandle()`) and returns the id the other entries take; 0 when
/// the handle is not a tracker.
#[no_mangle]
pub extern "system" fn Java_dev_sessioncore_JvmFastPath_nativeAdopt(
    _env: *mut JNIEnv,
    _class: jclass,
    handle: jlong,
) -> jlong {
    catch_unwind(|| {
        // The generated code made this handle for us (`uniffiCloneHandle`);
        // lifting takes ownership of the reference it holds.
        let handle = uniffi::Handle::from_raw_unchecked(handle as u64);
        let Ok(tracker) = <Arc<SessionTracker> as Lift<UniFfiTag>>::try_lift(handle) else {
            return 0;
        };
        let mut adopted = adopted();
        let id = adopted.next_id;
        adopted.next_id += 1;
        adopted.trackers.push((id, tracker));
        id
    })
    .unwrap_or(0)
}

/// Drops the fast path's reference; later calls with `id` get `Closed`.
#[no_mangle]
pub extern "system" fn Java_dev_sessioncore_JvmFastPath_nativeRelease(_env: *mut JNIEnv, _class: jclass, id: jlong) {
    let _ = catch_unwind(|| adopted().trackers.retain(|(adopted_id, _)| *adopted_id != id));
}

/// One JNI entry per per-event call; their names are what the JVM binds
/// `JvmFastPath`'s `external fun`s to.
macro_rules! event_entry {
    ($entry:ident, $method:path) => {
        #[no_mangle]
        pub extern "system" fn $entry(
            env: *mut JNIEnv,
            _class: jclass,
            id: jlong,
            now_ms: jlong,
            event_id: jbyteArray,
        ) -> jbyteArray {
            event_call(env, id, now_ms, event_id, $method)
        }
    };
}

event_entry!(Java_dev_sessioncore_JvmFastPath_track, SessionTracker::track);
event_entry!(Java_dev_sessioncore_JvmFastPath_background, SessionTracker::background);
event_entry!(Java_dev_sessioncore_JvmFastPath_foreground, SessionTracker::foreground);

type EventCall = fn(&SessionTracker, i64, Option<String>) -> Result<Option<SessionEvent>, SessionCoreError>;

/// Runs one per-event call and returns its encoded result, or null with a
/// pending Java exception when the JVM could not allocate the array.
fn event_call(env: *mut JNIEnv, id: jlong, now_ms: jlong, event_id: jbyteArray, call: EventCall) -> jbyteArray {
    let outcome = guarded(|| {
        // SAFETY: `env` and `event_id` come from the JVM for this call.
        let event_id = unsafe { read_utf8(env, event_id) }?;
        call(&*lookup(id)?, now_ms, event_id)
    });
    let mut bytes = Vec::with_capacity(512);
    match outcome {
        Ok(event) => {
            bytes.push(STATUS_OK);
            <Option<SessionEvent> as Lower<UniFfiTag>>::write(event, &mut bytes);
        }
        Err(error) => {
            bytes.push(STATUS_ERROR);
            bytes.extend(<SessionCoreError as LowerError<UniFfiTag>>::lower_error(error).destroy_into_vec());
        }
    }
    // SAFETY: `env` is the JVM's for this call.
    unsafe { new_byte_array(env, &bytes) }
}

/// A Java `byte[]` of UTF-8 (null for none) as a Rust string.
unsafe fn read_utf8(env: *mut JNIEnv, array: jbyteArray) -> Result<Option<String>, SessionCoreError> {
    if array.is_null() {
        return Ok(None);
    }
    let len = ((**env).v1_1.GetArrayLength)(env, array);
    let mut bytes = vec![0u8; len.max(0) as usize];
    ((**env).v1_1.GetByteArrayRegion)(env, array, 0, len, bytes.as_mut_ptr().cast());
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| SessionCoreError::InvalidArgument {
            argument: "eventId".into(),
            detail: "is not UTF-8".into(),
        })
}

unsafe fn new_byte_array(env: *mut JNIEnv, bytes: &[u8]) -> jbyteArray {
    let Ok(len) = i32::try_from(bytes.len()) else {
        return std::ptr::null_mut();
    };
    let array = ((**env).v1_1.NewByteArray)(env, len);
    if !array.is_null() {
        ((**env).v1_1.SetByteArrayRegion)(env, array, 0, len, bytes.as_ptr().cast());
    }
    array
}
