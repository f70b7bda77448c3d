/// How a sweep's JSON files are read and written: snake_case keys, through the one JSON value,
/// atomically; a file that does not decode is refused as damaged, naming it.
enum SweepFileCoding {
    static let encoder = JSONValueEncoder(keys: .snakeCase)
    static let decoder = JSONValueDecoder(keys: .snakeCase)

    /// The record in the file at `path`, or nil when there is no file.
    ///
    /// - Parameter fix: what to do when the file is damaged.
    static func read<T: Decodable>(_ type: T.Type, at path: FilePath, fix: String) throws(InputError) -> T? {
        guard let bytes = try FileIO.contents(of: path, followingLinks: false) else { return nil }
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            throw InputError(.damagedOutputDirectory, source: "\(path.string): \(error)", problem: "is not valid JSON", fix: fix)
        }
        do {
            return try decoder.decode(type, from: value, source: path.string, kind: .damagedOutputDirectory)
        } catch {
            throw InputError(.damagedOutputDirectory, source: error.source, problem: error.problem, fix: fix)
        }
    }

    /// Writes `record` to `path` atomically.
    static func write(_ record: some Encodable, to path: FilePath) throws(InputError) {
        try AtomicFile.write(try encoder.encode(record).fileBytes, to: path)
    }
}
