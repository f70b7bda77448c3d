import Foundation

/// Unsigned integers as users write them on command lines and in ranges: decimal (`4294967296`,
/// `1_000_000`), hexadecimal (`0x5DEECE66D`) or a power of two (`2^32`).
public enum UnsignedIntegerText {
    /// The value, or `nil` when the text is none of these forms or does not fit 64 bits.
    public static func parse(_ text: String) -> UInt64? {
        let cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        if cleaned.hasPrefix("0x") || cleaned.hasPrefix("0X") {
            return UInt64(cleaned.dropFirst(2), radix: 16)
        }
        if let caret = cleaned.firstIndex(of: "^") {
            guard cleaned[..<caret] == "2", let exponent = UInt64(cleaned[cleaned.index(after: caret)...]), exponent < 64 else {
                return nil
            }
            return UInt64(1) << exponent
        }
        return UInt64(cleaned)
    }
}
