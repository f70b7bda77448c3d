/// How Swift property names become JSON keys.
public enum JSONKeyStyle: Sendable {
    /// As declared (`skipMin` stays `skipMin`).
    case asDeclared
    /// Lower-case words joined by underscores (`skipMin` becomes `skip_min`), as the sweep and run files write them.
    case snakeCase

    func jsonKey(_ name: String) -> String {
        guard self == .snakeCase else { return name }
        var output = ""
        for (index, character) in name.enumerated() {
            if character.isUppercase {
                if index > 0 { output += "_" }
                output += character.lowercased()
            } else {
                output.append(character)
            }
        }
        return output
    }
}
