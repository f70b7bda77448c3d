import Foundation
import Sieve

/// Which draws a trial keeps: every entry, or the entries of a list of sessions, by name.
///
/// A choice is a value: session names are never parsed out of a joined string, so that a session
/// literally named `all`, or with `+` in its name, is a session like any other. It is written
/// (bounds files, `run.json`, trial records) as JSON that reads back exactly:
///
/// - `"all"`: every entry;
/// - a list of names, `["a+b"]`, `["all"]`, `["midday", "evening"]`: those sessions;
/// - a string other than `"all"`, `"midday"` or `"midday+evening"`: the form runs of version 0.1.0
///   wrote, still read (and still written when it reads back as the same names, so that runs
///   written before read and compare as they did).
public enum SessionChoice: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// Every entry, with or without a session.
    case all
    /// The entries of these sessions, by exact name.
    case sessions([String])

    /// The sessions kept, or `nil` for every entry.
    public var names: [String]? {
        if case .sessions(let names) = self { return names }
        return nil
    }

    /// The choice an older joined string stands for: `all`, or names joined by `+`.
    public init(joined text: String) {
        self = text == "all" ? .all : .sessions(text.split(separator: "+").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    /// A literal is read as a joined string (`"all"`, `"midday+evening"`).
    public init(stringLiteral text: String) { self.init(joined: text) }

    /// The joined string that reads back as this choice, when there is one.
    var joined: String? {
        guard case .sessions(let names) = self else { return "all" }
        let text = names.joined(separator: "+")
        return !names.isEmpty && SessionChoice(joined: text) == self ? text : nil
    }

    /// The choice as JSON: `"all"`, the joined string when it reads back exactly, else the list of names.
    public var json: JSONValue {
        if let joined { return .string(joined) }
        return .array((names ?? []).map { .string($0) })
    }

    /// The choice a JSON value writes (see ``json``), or `nil` when it writes none.
    public init?(json: JSONValue) {
        switch json {
        case .string(let text) where !text.isEmpty:
            self.init(joined: text)
            // The list form's rules: at least one name, none empty, none twice ("a+ +b" names no
            // session between its pluses, and would be written back as a list holding "").
            if let names, names.isEmpty || names.contains("") || Set(names).count != names.count { return nil }
        case .array(let items) where !items.isEmpty:
            var names: [String] = []
            for item in items {
                guard case .string(let name) = item, !name.isEmpty, !names.contains(name) else { return nil }
                names.append(name)
            }
            self = .sessions(names)
        default: return nil
        }
    }

    /// The choice as one string, different for every choice: the joined form when it reads back
    /// exactly (and does not start with `[`), else the list of names as compact JSON. The study's
    /// categorical and the trial's label use it.
    public var description: String {
        if let joined, !joined.hasPrefix("[") { return joined }
        return JSONValue.array((names ?? []).map { .string($0) }).text
    }

    /// The choice ``description`` stands for.
    public init?(description text: String) {
        if text.hasPrefix("[") {
            guard let value = try? JSONReader.parse(text), case .array = value else { return nil }
            self.init(json: value)
        } else {
            self.init(json: .string(text))
        }
    }
}
