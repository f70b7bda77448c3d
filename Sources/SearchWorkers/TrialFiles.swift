import Foundation
import _OptimizeSupport

/// A trial directory's files packed into one value, kept in the database with the trial's record
/// when they are small (at most ``limit`` bytes), so that any machine can read a trial's
/// survivors: `{"files": {"NAME": "BASE64", …}}`.
///
/// Larger trials keep their files only on the worker's disk; their record says which machine and
/// directory (``SharedTrialRecord``).
public enum TrialFiles {
    /// 4 MiB: a trial with that many bytes of survivors (170,000 records) is not evidence of a seed.
    public static let limit = 4 << 20

    /// The regular files of `directory` (not its subdirectories), packed; `nil` when they are
    /// more than ``limit`` bytes together or cannot be read.
    public static func pack(directory: String, limit: Int = TrialFiles.limit) -> [UInt8]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        var members: [(key: String, value: JSONValue)] = []
        var total = 0
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = FilePath(directory).appending(name)
            guard !FileIO.isSymbolicLink(path), !FileIO.isDirectory(path) else { continue }
            guard let bytes = try? FileIO.contents(of: path, followingLinks: false) else { return nil }
            total += bytes.count
            if total > limit { return nil }
            members.append((name, .string(Data(bytes).base64EncodedString())))
        }
        return Array(JSONValue.object([("files", .object(members))]).text.utf8)
    }

    /// Writes packed files into `directory` (made if missing), each atomically.
    ///
    /// - Throws: ``InputError``: `damagedOutputDirectory` when `packed` is not a packing;
    ///   `unwritableFile` when a file cannot be written.
    public static func unpack(_ packed: [UInt8], into directory: String, source: String) throws(InputError) {
        guard let json = try? JSONReader.parse(packed), case .object(let files)? = json["files"] else {
            throw InputError(.damagedOutputDirectory, source: source, problem: "its files are not a packing of a trial's files",
                             fix: "restore the database from a backup")
        }
        try FileIO.makeDirectories(FilePath(directory))
        for (name, value) in files {
            guard !name.contains("/"), name != "..", case .string(let text) = value, let data = Data(base64Encoded: text) else {
                throw InputError(.damagedOutputDirectory, source: "\(source): \(name)", problem: "is not a packed file",
                                 fix: "restore the database from a backup")
            }
            try AtomicFile.write(Array(data), to: FilePath(directory).appending(name))
        }
    }
}
