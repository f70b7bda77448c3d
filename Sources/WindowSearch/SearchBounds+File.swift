import Foundation
import Sieve
import Study

extension SearchBounds {
    /// Reads a bounds file (`--config BOUNDS.json`): entries it leaves out keep those of `defaults`.
    ///
    /// - Throws: ``InputError``: `unreadableFile` when the file cannot be read,
    ///   `invalidSearchBounds` when it is not valid JSON or not valid bounds.
    public static func load(path: String, over defaults: SearchBounds) throws(InputError) -> SearchBounds {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InputError(.unreadableFile, source: path, problem: "cannot read the bounds file", fix: "check the path")
        }
        let parsed: JSONValue
        do { parsed = try JSONReader.parse(data) } catch {
            throw InputError(.invalidSearchBounds, source: path, problem: "is not valid JSON",
                             fix: #"write {"window_size": {"low": 2, "high": 50}, …}"#)
        }
        return try SearchBounds.read(parsed, source: path, over: defaults)
    }
}
