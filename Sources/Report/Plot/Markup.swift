import Foundation

/// Text for an XML document (the report is polyglot XHTML: a browser reads it as HTML, an XML
/// parser reads it as XML, so tests can check every plot's markup).
enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, for element content and attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A coordinate in pixels, with one decimal: a screen shows no finer, and the bytes stay few.
    static func pixels(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// A data value for a `data-` attribute: 7 significant digits (`%.7g`), enough to tell any
    /// two trials' scores apart on a screen, and few bytes in a page of thousands of marks.
    static func value(_ value: Double) -> String {
        value.isFinite ? String(format: "%.7g", value) : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
    }

    /// A number for people: an integer as it is (up to 10^15), else up to `digits` significant
    /// digits, with an exponent ("2.5e-7", "1.2e18") outside 1e-4 ..< 1e6.
    static func label(_ value: Double, digits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "–" : (value > 0 ? "∞" : "−∞") }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) < 1e15, abs(value) < 1e6 || value.truncatingRemainder(dividingBy: 1e3) != 0 {
            return String(Int64(value))
        }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-4 {
            let exponent = Int(floor(log10(magnitude)))
            var mantissa = String(format: "%.\(max(0, digits - 1))f", value / pow(10, Double(exponent)))
            while mantissa.contains("."), mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
            return "\(mantissa)e\(exponent)"
        }
        var text = String(format: "%.\(digits)g", value)
        if text.contains("e") { text = String(format: "%.0f", value) }
        return text
    }
}
