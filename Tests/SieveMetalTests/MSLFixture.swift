import Foundation
import Testing

/// A negative fixture of `Tests/Fixtures/msl-negative`: a small shader that breaks one MSL rule,
/// with the verdict of each check written in its header (docs/msl-rules.md, "Fixtures"):
///
/// ```
/// // check: strict                 or  // check: lint RULE   (the check this fixture is for)
/// // strict: rejects               or  accepts               (what the strict compile does)
/// // shim: accepts                 or  rejects               (what the CPU shim's C++ compile does)
/// ```
///
/// The tests hold each check to the header, so a fixture documents a real gap (`shim: accepts`)
/// only while the shim really accepts it.
struct MSLFixture: CustomTestStringConvertible, Sendable {
    /// The check a fixture exists for.
    enum Check: Equatable, Sendable {
        case strict
        case lint(rule: String)
    }

    let url: URL
    let check: Check
    let strictAccepts: Bool
    let shimAccepts: Bool

    var name: String { url.lastPathComponent }
    var testDescription: String { name }

    static let directory = ShaderFiles.root.appendingPathComponent("Tests/Fixtures/msl-negative")

    /// Every fixture of the directory whose header is complete, in name order.
    static let all: [MSLFixture] = files.compactMap { url in
        (try? String(contentsOf: url, encoding: .utf8)).flatMap { parse($0, url: url) }
    }

    /// The fixtures whose header lacks a `// check:`, `// strict:` or `// shim:` line (a test
    /// requires none: their claims could not be checked).
    static var incomplete: [String] {
        let parsed = Set(all.map(\.name))
        return files.map(\.lastPathComponent).filter { !parsed.contains($0) }
    }

    private static var files: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".metal") }.sorted().map { directory.appendingPathComponent($0) }
    }

    static func parse(_ text: String, url: URL) -> MSLFixture? {
        func value(_ key: String) -> String? {
            text.split(separator: "\n").lazy
                .compactMap { line -> String? in
                    let prefix = "// \(key): "
                    return line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : nil
                }
                .first
        }
        guard let check = value("check"), let strict = value("strict"), let shim = value("shim"),
              ["accepts", "rejects"].contains(strict), ["accepts", "rejects"].contains(shim)
        else { return nil }
        let parsed: Check
        if check == "strict" {
            parsed = .strict
        } else if check.hasPrefix("lint ") {
            parsed = .lint(rule: String(check.dropFirst("lint ".count)))
        } else {
            return nil
        }
        return MSLFixture(url: url, check: parsed, strictAccepts: strict == "accepts", shimAccepts: shim == "accepts")
    }
}
