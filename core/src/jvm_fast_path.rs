//! JNI entries for the Kotlin wrapper: one per per-event call (`track`,
//! `background`, `foreground`) and one for the getters. Through stock uniffi
//! over JNA, each of those calls is several native crossings (clone the
//! handle, allocate the argument buffer, the call, free the returned buffer),
//! each with freshly allocated JNA `Structure`s; that is most of its cost on
//! the JVM. Here it is one crossing with plain `long`s and byte arrays.
//!
//! Semantics cannot drift: these entries call the same `SessionTracker`
//! methods as the uniffi ones and return the bytes uniffi itself would write
//! (a status byte, then the lowered result or the lowered
//! `SessionCoreError`), which the generated Kotlin converters read.

use crate::api::{guarded, ClockReading, SessionCoreError, SessionEvent, SessionTracker};
use crate::UniFfiTag;
use jni_sys::{jbyteArray, jclass, jint, jlong, jobject, JNIEnv};
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
    let _ = catch_unwind(|| {
        let released = {
            let mut adopted = adopted();
            let at = adopted.trackers.iter().position(|(adopted_id, _)| *adopted_id == id);
            at.map(|at| adopted.trackers.swap_remove(at))
        };
        // Dropped outside the lock: the last reference closes the database.
        drop(released);
    });
}

/// One JNI entry per per-event call; their names are what the JVM binds
/// `JvmFastPath`'s `external fun`s to. `at` is null (the core reads the
/// clocks under its lock) or an explicit `ClockReading` in uniffi's encoding.
macro_rules! event_entry {
    ($entry:ident, $method:path) => {
        #[no_mangle]
        pub extern "system" fn $entry(
            env: *mut JNIEnv,
            _class: jclass,
            id: jlong,
            event_id: jbyteArray,
            at: jbyteArray,
            out: jobject,
        ) -> jbyteArray {
            event_call(env, id, event_id, at, out, $method)
        }
    };
}

event_entry!(Java_dev_sessioncore_JvmFastPath_track, SessionTracker::track);
event_entry!(Java_dev_sessioncore_JvmFastPath_background, SessionTracker::background);
event_entry!(Java_dev_sessioncore_JvmFastPath_foreground, SessionTracker::foreground);

type EventCall =
    fn(&SessionTracker, Option<String>, Option<ClockReading>) -> Result<Option<SessionEvent>, SessionCoreError>;

/// Runs one per-event call and hands over its encoded result (`respond`).
fn event_call(
    env: *mut JNIEnv,
    id: jlong,
    event_id: jbyteArray,
    at: jbyteArray,
    out: jobject,
    call: EventCall,
) -> jbyteArray {
    let outcome = guarded(|| {
        // SAFETY: `env` and the arrays come from the JVM for this call.
        let (event_id, at) = unsafe { (read_bytes(env, event_id), read_bytes(env, at)) };
        let event_id = event_id
            .map(String::from_utf8)
            .transpose()
            .map_err(|_| invalid("eventId", "is not UTF-8"))?;
        let at = at
            .map(|bytes| <ClockReading as Lift<UniFfiTag>>::try_read(&mut bytes.as_slice()))
            .transpose()
            .map_err(|_| invalid("at", "is not an encoded ClockReading"))?;
        call(&*lookup(id)?, event_id, at)
    });
    respond(env, out, outcome)
}

/// The getters, by the numbers `JvmFastPath.kt` names them with.
const USER_ID: jint = 0;
const SESSION_ID: jint = 1;
const SESSION_INDEX: jint = 2;
const IS_IN_BACKGROUND: jint = 3;
const BACKGROUND_INDEX: jint = 4;
const FOREGROUND_INDEX: jint = 5;
const STATE: jint = 6;

#[no_mangle]
pub extern "system" fn Java_dev_sessioncore_JvmFastPath_get(
    env: *mut JNIEnv,
    _class: jclass,
    id: jlong,
    getter: jint,
    out: jobject,
) -> jbyteArray {
    // The value type of an error outcome does not matter: only the error is written.
    match (lookup(id), getter) {
        (Err(error), _) => respond::<bool>(env, out, Err(error)),
        (Ok(tracker), USER_ID) => respond(env, out, tracker.user_id()),
        (Ok(tracker), SESSION_ID) => respond(env, out, tracker.session_id()),
        (Ok(tracker), SESSION_INDEX) => respond(env, out, tracker.session_index()),
        (Ok(tracker), IS_IN_BACKGROUND) => respond(env, out, tracker.is_in_background()),
        (Ok(tracker), BACKGROUND_INDEX) => respond(env, out, tracker.background_index()),
        (Ok(tracker), FOREGROUND_INDEX) => respond(env, out, tracker.foreground_index()),
        (Ok(tracker), STATE) => respond(env, out, tracker.state()),
        (Ok(_), _) => respond::<bool>(
            env,
            out,
            Err(SessionCoreError::Internal {
                detail: format!("no getter number {getter}"),
            }),
        ),
    }
}

/// Hands a call's encoded outcome to the Kotlin side: into `out`, the
/// calling thread's direct `ByteBuffer`, after its length as a 4-byte prefix,
/// when it fits (no Java array allocated and filled per call; null is
/// returned), else as a new `byte[]` (null with a pending Java exception
/// when the JVM could not allocate it).
fn respond<T: Lower<UniFfiTag>>(env: *mut JNIEnv, out: jobject, outcome: Result<T, SessionCoreError>) -> jbyteArray {
    // Room for an event's record (about 600 bytes) without regrowing.
    let mut bytes = Vec::with_capacity(1024);
    encode(outcome, &mut bytes);
    // SAFETY: `env` and `out` come from the JVM for this call; the copy
    // stays within the buffer's capacity.
    unsafe {
        let address = ((**env).v1_4.GetDirectBufferAddress)(env, out).cast::<u8>();
        let capacity = ((**env).v1_4.GetDirectBufferCapacity)(env, out);
        let length = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        if !address.is_null() && i64::from(length) + 4 <= capacity {
            std::ptr::copy_nonoverlapping(length.to_be_bytes().as_ptr(), address, 4);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), address.add(4), bytes.len());
            return std::ptr::null_mut();
        }
        new_byte_array(env, &bytes)
    }
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

/// A call's outcome as the Kotlin side reads it: a status byte, then what
/// uniffi writes for the value or for the error.
fn encode<T: Lower<UniFfiTag>>(outcome: Result<T, SessionCoreError>, bytes: &mut Vec<u8>) {
    bytes.clear();
    match outcome {
        Ok(value) => {
            bytes.push(STATUS_OK);
            T::write(value, bytes);
        }
        Err(error) => encode_error(error, bytes),
    }
}

// Not generic, so that every instance of `encode` shares one copy.
#[inline(never)]
fn encode_error(error: SessionCoreError, bytes: &mut Vec<u8>) {
    bytes.push(STATUS_ERROR);
    bytes.extend(<SessionCoreError as LowerError<UniFfiTag>>::lower_error(error).destroy_into_vec());
}

/// A Java `byte[]` (null for none) as Rust bytes.
pub(crate) unsafe fn read_bytes(env: *mut JNIEnv, array: jbyteArray) -> Option<Vec<u8>> {
    if array.is_null() {
        return None;
    }
    let len = ((**env).v1_1.GetArrayLength)(env, array);
    let mut bytes = vec![0u8; len.max(0) as usize];
    ((**env).v1_1.GetByteArrayRegion)(env, array, 0, len, bytes.as_mut_ptr().cast());
    Some(bytes)
}

fn invalid(argument: &str, detail: &str) -> SessionCoreError {
    SessionCoreError::InvalidArgument {
        argument: argument.into(),
        detail: detail.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::TrackerConfig;
    use crate::scratch::scratch_dir;
    use uniffi::RustBuffer;

    fn tracker(dir: &std::path::Path) -> Arc<SessionTracker> {
        let path = dir.join("sessions.db").display().to_string();
        SessionTracker::open(path, "default".into(), TrackerConfig::default()).unwrap()
    }

    fn adopt(tracker: &Arc<SessionTracker>) -> jlong {
        let handle = <Arc<SessionTracker> as Lower<UniFfiTag>>::lower(tracker.clone());
        Java_dev_sessioncore_JvmFastPath_nativeAdopt(
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            handle.as_raw() as jlong,
        )
    }

    #[test]
    fn adopted_trackers_are_found_until_released() {
        let dir = scratch_dir("adopt");
        let tracker = tracker(&dir);
        let (first, second) = (adopt(&tracker), adopt(&tracker));
        assert!(first > 0 && second > first);
        assert!(Arc::ptr_eq(&lookup(first).unwrap(), &tracker));
        Java_dev_sessioncore_JvmFastPath_nativeRelease(std::ptr::null_mut(), std::ptr::null_mut(), first);
        assert_eq!(lookup(first).err().map(|e| e.kind()), Some("Closed"));
        assert!(Arc::ptr_eq(&lookup(second).unwrap(), &tracker));
        Java_dev_sessioncore_JvmFastPath_nativeRelease(std::ptr::null_mut(), std::ptr::null_mut(), second);
        assert_eq!(
            Arc::strong_count(&tracker),
            1,
            "the fast path keeps no reference after release"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn results_are_a_status_byte_then_uniffis_encoding() {
        let mut ok = vec![9, 9];
        encode(Ok(Some(7i32)), &mut ok);
        assert_eq!(ok, [STATUS_OK, 1, 0, 0, 0, 7]);
        let error = SessionCoreError::Closed { detail: "gone".into() };
        let mut bytes = Vec::new();
        encode::<bool>(Err(error.clone()), &mut bytes);
        assert_eq!(bytes[0], STATUS_ERROR);
        let lifted = <SessionCoreError as Lift<UniFfiTag>>::try_lift(RustBuffer::from_vec(bytes[1..].to_vec()));
        assert_eq!(lifted.unwrap(), error);
    }
}
