import Foundation
import SessionCoreBindings
import SessionCoreFFI

/// The per-event calls (`track`, `background`, `foreground`) and the getters
/// that return a buffer, through the generated C entry points, with their
/// results read straight from the returned buffer's memory.
///
/// The generated Swift reads a returned buffer through Foundation's `Data`:
/// every integer, tag and string length of a record is one call of
/// `DataProtocol.copyBytes(to:from:)`, generic code in another module that
/// runs unspecialised (metadata lookups, an iterator over the buffer's
/// regions) — about 3 500 instructions per field, some 70 000 for an event
/// of ~500 bytes, more than the core's own work for it on tmpfs
/// (docs/performance.md). Here a field costs a bounds check and a load.
///
/// Semantics cannot drift: the same entry points run the same Rust methods;
/// records are built with the generated initialisers, each field read in
/// their order and as the type of their parameter, so a field added,
/// removed, renamed or moved in the core does not compile here and a retyped
/// one is read as its new type (one added with a default value would leave
/// bytes unread: every call would throw `Internal`); the arguments are
/// written and the errors read by the generated converters, and so are the
/// parts only a new session's event carries (its reason and the session it
/// ended). The Swift suite replays every scenario through both paths.
enum FastPath {
    typealias EventEntry = (UInt64, RustBuffer, RustBuffer, UnsafeMutablePointer<RustCallStatus>) -> RustBuffer
    typealias GetterEntry = (UInt64, UnsafeMutablePointer<RustCallStatus>) -> RustBuffer

    static var track: EventEntry { uniffi_sessioncore_fn_method_sessiontracker_track }
    static var background: EventEntry { uniffi_sessioncore_fn_method_sessiontracker_background }
    static var foreground: EventEntry { uniffi_sessioncore_fn_method_sessiontracker_foreground }
    static var sessionId: GetterEntry { uniffi_sessioncore_fn_method_sessiontracker_session_id }
    static var sessionIndex: GetterEntry { uniffi_sessioncore_fn_method_sessiontracker_session_index }
    static var state: GetterEntry { uniffi_sessioncore_fn_method_sessiontracker_state }

    /// One per-event call; the tracker was opened through the generated
    /// code, which checked the library's contract and checksums.
    static func event(
        _ entry: EventEntry, _ tracker: SessionCoreBindings.SessionTracker, eventId: String?, at: ClockReading?
    ) throws -> SessionEvent? {
        var eventIdBytes: [UInt8] = [0]
        if let eventId {
            eventIdBytes = [1]
            withUnsafeBytes(of: Int32(eventId.utf8.count).bigEndian) { eventIdBytes.append(contentsOf: $0) }
            eventIdBytes.append(contentsOf: eventId.utf8)
        }
        var atBytes: [UInt8] = [0]
        if let at {
            atBytes = [1]
            FfiConverterTypeClockReading.write(at, into: &atBytes)
        }
        let (eventIdBuffer, atBuffer) = try (rustBuffer(eventIdBytes), rustBuffer(atBytes))
        return try lift(call { entry(tracker.uniffiCloneHandle(), eventIdBuffer, atBuffer, $0) })
    }

    static func get<T: FastLift>(_ entry: GetterEntry, _ tracker: SessionCoreBindings.SessionTracker) throws -> T {
        try lift(call { entry(tracker.uniffiCloneHandle(), $0) })
    }

    /// Runs one call; its error is lifted by the generated converter, so it
    /// is the `SessionCoreError` the generated path throws. A panic that
    /// uniffi caught (the core turns its own into `Internal` errors) is an
    /// `Internal` error here too.
    private static func call<T>(_ body: (UnsafeMutablePointer<RustCallStatus>) -> T) throws -> T {
        var status = RustCallStatus(code: 0, errorBuf: RustBuffer(capacity: 0, len: 0, data: nil))
        let value = body(&status)
        switch status.code {
        case 0: return value
        case 1: throw try FfiConverterTypeSessionCoreError_lift(status.errorBuf)
        default:
            let message = status.errorBuf.data.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: Int(status.errorBuf.len)), as: UTF8.self)
            }
            free(status.errorBuf)
            throw SessionCoreError.Internal(detail: message ?? "Rust panic")
        }
    }

    /// A buffer the core owns (and frees) holding `bytes`.
    static func rustBuffer(_ bytes: [UInt8]) throws -> RustBuffer {
        try bytes.withUnsafeBufferPointer { bytes in
            try call { ffi_sessioncore_rustbuffer_from_bytes(ForeignBytes(len: Int32(bytes.count), data: bytes.baseAddress), $0) }
        }
    }

    private static func free(_ buffer: RustBuffer) {
        var status = RustCallStatus(code: 0, errorBuf: RustBuffer(capacity: 0, len: 0, data: nil))
        ffi_sessioncore_rustbuffer_free(buffer, &status)
    }

    /// The value `buffer` holds, all of it; frees the buffer.
    static func lift<T: FastLift>(_ buffer: RustBuffer) throws -> T {
        defer { free(buffer) }
        var reader = BufferReader(UnsafeRawBufferPointer(start: buffer.data, count: Int(buffer.len)))
        let value = try T.read(from: &reader)
        guard reader.offset == reader.bytes.count else { throw BufferReader.malformed("data after the value") }
        return value
    }
}

/// Reads uniffi's encoding (big-endian integers, an `Int8` tag before an
/// optional, an `Int32` length before a string's UTF-8) from memory it does
/// not own, as the generated readers do from a `Data`.
struct BufferReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    static func malformed(_ what: String) -> SessionCoreError {
        .Internal(detail: "a buffer from the core is malformed: \(what)")
    }

    mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, bytes.count - offset >= count else { throw Self.malformed("it ends early") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        T(bigEndian: try take(MemoryLayout<T>.size).loadUnaligned(as: T.self))
    }

    /// A value through the generated converter's reader, for what only some
    /// results carry.
    mutating func generated<T>(_ read: (inout (data: Data, offset: Data.Index)) throws -> T) throws -> T {
        guard let base = bytes.baseAddress else { throw Self.malformed("it is empty") }
        var reader = (data: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none),
                      offset: offset)
        do {
            let value = try read(&reader)
            offset = reader.offset
            return value
        } catch {
            throw Self.malformed("\(error)")
        }
    }
}

/// What `FastPath` reads; the type comes from the generated initialiser's
/// parameter, so a record's fields are read as the generated code declares them.
protocol FastLift {
    static func read(from reader: inout BufferReader) throws -> Self
}

extension BufferReader {
    /// The next value, of the type its use asks for: a record reads its
    /// fields as `reader.next()`, each typed by its initialiser's parameter.
    mutating func next<T: FastLift>() throws -> T { try T.read(from: &self) }
}

extension Int32: FastLift {
    static func read(from reader: inout BufferReader) throws -> Int32 { try reader.integer() }
}

extension Int64: FastLift {
    static func read(from reader: inout BufferReader) throws -> Int64 { try reader.integer() }
}

extension Bool: FastLift {
    static func read(from reader: inout BufferReader) throws -> Bool { try reader.integer(Int8.self) != 0 }
}

extension String: FastLift {
    static func read(from reader: inout BufferReader) throws -> String {
        String(decoding: try reader.take(Int(try reader.integer(Int32.self))), as: UTF8.self)
    }
}

extension Optional: FastLift where Wrapped: FastLift {
    static func read(from reader: inout BufferReader) throws -> Wrapped? {
        switch try reader.integer(Int8.self) {
        case 0: return nil
        case 1: return try Wrapped.read(from: &reader)
        default: throw BufferReader.malformed("an optional's tag is neither 0 nor 1")
        }
    }
}

extension NewSessionReason: FastLift {
    static func read(from reader: inout BufferReader) throws -> NewSessionReason {
        try reader.generated(FfiConverterTypeNewSessionReason.read)
    }
}

extension EndedSession: FastLift {
    static func read(from reader: inout BufferReader) throws -> EndedSession {
        try reader.generated(FfiConverterTypeEndedSession.read)
    }
}

extension SessionEvent: FastLift {
    static func read(from r: inout BufferReader) throws -> SessionEvent {
        try SessionEvent(
            eventId: r.next(), isNewSession: r.next(), newSessionReason: r.next(), userId: r.next(), sessionId: r.next(),
            previousSessionId: r.next(), sessionIndex: r.next(), eventIndex: r.next(), firstEventId: r.next(),
            firstEventTimestampMs: r.next(), sessionStartMs: r.next(), appUserId: r.next(), rudderstackSessionId: r.next(),
            amplitudeSessionId: r.next(), snowplowContextJson: r.next(), endedSession: r.next())
    }
}

extension SessionState: FastLift {
    static func read(from r: inout BufferReader) throws -> SessionState {
        try SessionState(
            userId: r.next(), sessionId: r.next(), previousSessionId: r.next(), sessionIndex: r.next(), eventIndex: r.next(),
            firstEventId: r.next(), firstEventTimestampMs: r.next(), sessionStartMs: r.next(), isInBackground: r.next(),
            foregroundIndex: r.next(), backgroundIndex: r.next(), isPaused: r.next(), isManual: r.next(),
            isNewSessionPending: r.next(), appUserId: r.next())
    }
}
