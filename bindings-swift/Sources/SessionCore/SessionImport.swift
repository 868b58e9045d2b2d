import Foundation

/// What an importer did (rule 21), for the app to log: what it took over and
/// from where, or why it took over nothing. Importers only read the other
/// tracker's storage; they never change or delete it.
public struct SessionImportReport: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        /// The other tracker's identity and session are now this namespace's, as given.
        case imported(ImportedState)
        /// This namespace already has a session (a later launch, or sessioncore
        /// came first), or the file has another user's: nothing changed.
        case keptExistingSession
        /// The other tracker stored no session where `source` says.
        case nothingStored
    }

    /// The tracker whose storage was read, and where.
    public let source: String
    public let outcome: Outcome
}

/// A value in another tracker's storage that cannot be taken over, named as
/// that tracker stores it. Nothing was imported.
public struct SessionImportError: Error, Equatable, CustomStringConvertible {
    public let source: String
    public let field: String
    public let detail: String

    public var description: String { "\(source): \(field): \(detail)" }
}

/// Another tracker's storage, as one importer reads it.
protocol SessionStore {
    /// The tracker, and where it was read.
    var source: String { get }
    /// The other tracker's names of the values `ImportedState` takes, by the
    /// names `importState`'s errors give them (`state.sessionId`, ...).
    var fields: [String: String] { get }
    /// The stored state, nil when there is none; throws `SessionImportError`.
    func read() throws -> ImportedState?
}

extension SessionStore {
    func unusable(_ field: String, _ detail: String) -> SessionImportError {
        SessionImportError(source: source, field: field, detail: detail)
    }

    /// A stored value as a `T`, nil when absent.
    func value<T>(_ stored: Any?, _ field: String) throws -> T? {
        guard let stored else { return nil }
        guard let value = stored as? T else { throw unusable(field, "`\(stored)` is not a \(T.self)") }
        return value
    }

    func required<T>(_ stored: Any?, _ field: String) throws -> T {
        guard let value: T = try value(stored, field) else { throw unusable(field, "missing") }
        return value
    }
}

extension SessionTracker {
    /// Takes over what `store` holds where this namespace has no session yet
    /// (rule 21): all of it in one transaction, or nothing.
    func importSession(from store: some SessionStore) throws -> SessionImportReport {
        let report = { SessionImportReport(source: store.source, outcome: $0) }
        guard try sessionId == nil else { return report(.keptExistingSession) }
        guard let state = try store.read() else { return report(.nothingStored) }
        do {
            return report(try importState(state) ? .imported(state) : .keptExistingSession)
        } catch SessionCoreError.InvalidArgument(let argument, let detail) {
            throw store.unusable(store.fields[argument] ?? argument, detail)
        }
    }
}
