/// A failure the user can act on: the file, field or option at fault, what is wrong with it, and
/// how to fix it.
///
/// Every module throws this one type. Its ``Kind`` is open: each module declares its own kinds
/// beside its code (`Sieve` the history and option kinds, `Study` the study kinds, and so on), and
/// only the command line maps kinds to exit statuses, so that scripts tell failures apart without
/// parsing messages.
///
/// ```swift
/// throw InputError(.invalidOption, source: "--count",
///                  problem: "0 draws asked for", fix: "give --count between 1 and 16777216")
/// // --count: 0 draws asked for. Fix: give --count between 1 and 16777216.
/// ```
public struct InputError: DiagnosedError, Equatable {
    /// What kind of failure this is; modules declare their kinds as static members.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The kind's stable name (`invalidOption`, `diskFull`): what tests and logs compare.
        public let name: String

        /// Declares a kind; call it once per kind, in the module that throws it.
        public init(_ name: String) { self.name = name }

        public var description: String { name }
    }

    public let kind: Kind
    /// The file, field or option at fault, as the user wrote it (`--count`, `draws.json: entry 7`).
    public let source: String
    /// What is wrong, as a phrase.
    public let problem: String
    /// What to do about it, as an imperative phrase.
    public let fix: String

    public init(_ kind: Kind, source: String, problem: String, fix: String) {
        self.kind = kind
        self.source = source
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "\(source): \(problem). Fix: \(fix)." }
}

/// An error that knows its kind, so that the command line can choose an exit status for it.
///
/// ``InputError`` is the one for bad input and the file system; a backend's failures (a GPU's
/// command buffer, a kernel's contract) conform too, with kinds of their own.
public protocol DiagnosedError: Error, Sendable, CustomStringConvertible {
    var kind: InputError.Kind { get }
}

extension InputError.Kind {
    /// An option's value is malformed or out of range (counts, moduli, skips, fractions).
    public static let invalidOption = Self("invalidOption")
    /// A file could not be read.
    public static let unreadableFile = Self("unreadableFile")
    /// A file could not be written.
    public static let unwritableFile = Self("unwritableFile")
    /// The disk (or the user's quota) is full: nothing was damaged, and the run resumes once there is room.
    public static let diskFull = Self("diskFull")
    /// A file written in a format this version no longer reads in place: `optimize migrate` converts it.
    public static let needsMigration = Self("needsMigration")
    /// Another process is writing the same directory (a search run, a sweep, a merge, a study being
    /// created, a migration; see `DirectoryLock`): nothing was changed.
    public static let runBusy = Self("runBusy")
}
