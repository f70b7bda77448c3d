import _OptimizeSupport

/// A number of seeds, up to 2^64 (a whole 64-bit seed space): written as a JSON integer, or as a
/// decimal string for the one count, 2^64, that does not fit 64 bits.
public struct SeedCount: Sendable, Hashable, Codable, CustomStringConvertible {
    public var value: UInt128

    public init(_ value: UInt128) { self.value = value }

    public var description: String { String(value) }

    public func encode(to encoder: any Encoder) throws {
        let json: JSONValue = value <= UInt128(UInt64.max) ? .uint64(UInt64(value)) : .string(String(value))
        try json.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        let json = try JSONValue(from: decoder)
        if let number = json.uint64 {
            value = UInt128(number)
        } else if let text = json.string, let number = UInt128(text) {
            value = number
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "is not a count of seeds"))
        }
    }
}
