/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG), the checksum of each journal record.
///
/// ```swift
/// CRC32.checksum(Array("123456789".utf8))        // 0xCBF43926
/// ```
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { byte in
        var value = UInt32(byte)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    /// The running value a checksum starts from, for ``update(_:_:)`` and ``finish(_:)``: a file's
    /// checksum computed block by block equals ``checksum(_:)`` of all its bytes.
    public static let start: UInt32 = 0xFFFF_FFFF

    /// The running value after `bytes`.
    public static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = crc
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc
    }

    /// The checksum of the bytes a running value has seen.
    public static func finish(_ crc: UInt32) -> UInt32 { ~crc }

    /// The checksum as 8 lower-case hexadecimal digits, as journals write it.
    public static func hex(_ checksum: UInt32) -> String {
        let digits = String(checksum, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
