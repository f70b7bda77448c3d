import Foundation

extension SearchSpace {
    /// Reads a search space file (`study new --space SPACE.json`).
    ///
    /// - Throws: ``InputError``: `unreadableFile` when the file cannot be read, `invalidSpace`
    ///   when it is not valid JSON or not a valid space.
    public static func load(path: String) throws(InputError) -> SearchSpace {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InputError(.unreadableFile, source: path, problem: "cannot read the space file",
                             fix: "give the path of a readable JSON file")
        }
        let json: JSONValue
        do { json = try JSONReader.parse(data) } catch {
            throw InputError(.invalidSpace, source: path, problem: "not valid JSON",
                             fix: #"write {"params": [{"name": "x", "type": "float", "low": 0, "high": 1}]}"#)
        }
        return try SearchSpace(json: json, source: path)
    }
}
