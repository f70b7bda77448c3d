import Foundation

/// Where a program's window configuration came from: a champion file, or the baseline because
/// there is none. Every output made with a champion records it as `champion`:
///
/// ```json
/// "champion": {"source": "champions/default.json", "name": "default", "content_hash": "3f2a…"}
/// "champion": {"source": "baseline", "name": "default", "content_hash": null}
/// ```
public enum ChampionSource: Sendable, Hashable, CustomStringConvertible {
    /// The champion file at `path` (as the loader's directory names it), with its content hash.
    case file(path: String, name: String, contentHash: String)
    /// No file of that name: the baseline configuration (``Champion/Configuration/baseline``).
    case baseline(name: String)

    /// The champion's name, asked for.
    public var name: String {
        switch self {
        case .file(_, let name, _), .baseline(let name): name
        }
    }

    /// Whether the configuration is the baseline.
    public var isBaseline: Bool {
        if case .baseline = self { return true }
        return false
    }

    /// `champion.source`: the champion file's path, or `baseline`.
    public var source: String {
        switch self {
        case .file(let path, _, _): path
        case .baseline: "baseline"
        }
    }

    /// The content hash of the file, or nil for the baseline.
    public var contentHash: String? {
        if case .file(_, _, let hash) = self { return hash }
        return nil
    }

    /// The `champion` object outputs record.
    public var json: JSONValue {
        .object([("source", .string(source)), ("name", .string(name)), ("content_hash", contentHash.map(JSONValue.string) ?? .null)])
    }

    /// The source a `champion` object records, or nil when `json` is not one.
    public init?(json: JSONValue) {
        guard let source = json["source"]?.string, let name = json["name"]?.string else { return nil }
        if source == "baseline" {
            self = .baseline(name: name)
        } else if let hash = json["content_hash"]?.string {
            self = .file(path: source, name: name, contentHash: hash)
        } else {
            return nil
        }
    }

    /// One line for people: `champions/default.json (default, SHA-256 3f2a9c01b2d4…)` or
    /// `baseline (no champion 'default')`.
    public var description: String {
        switch self {
        case .file(let path, let name, let hash): "\(path) (\(name), SHA-256 \(hash.prefix(12))…)"
        case .baseline(let name): "baseline (no champion '\(name)')"
        }
    }
}
