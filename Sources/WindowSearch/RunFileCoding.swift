import Sieve

/// How a run's records are read and written: keys as each record declares them (the run's files
/// are snake_case by their coding keys), through the one JSON value.
public enum RunFileCoding {
    public static let encoder = JSONValueEncoder(keys: .snakeCase)
    /// A decoder for records that need no context.
    public static let plainDecoder = JSONValueDecoder(keys: .snakeCase)

    /// A decoder that reads trial records of a search with `bounds`.
    public static func decoder(bounds: SearchBounds) -> JSONValueDecoder {
        JSONValueDecoder(keys: .snakeCase, userInfo: [SearchBounds.userInfoKey: bounds])
    }

    /// Writes `record` to `path` atomically, as an indented JSON file.
    public static func write(_ record: some Encodable, to path: FilePath) throws(InputError) {
        try AtomicFile.write(try encoder.encode(record).fileBytes, to: path)
    }
}
