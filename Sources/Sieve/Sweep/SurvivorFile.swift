import Foundation

/// Reads a survivor file (`survivors.bin`) a block at a time, so that memory stays bounded
/// whatever its size.
public enum SurvivorFile {
    /// Calls `body` with every record of the file, in order, until it returns `false`.
    ///
    /// - Parameter length: read only this many bytes (a sweep's journaled length); `nil` reads all.
    public static func forEach(path: String, length: UInt64? = nil, _ body: (SurvivorRecord) throws -> Bool) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError(.unreadableFile, source: path, problem: "cannot open the survivor file",
                             fix: "give the directory of a sweep (it holds survivors.bin)")
        }
        defer { try? handle.close() }
        var remaining = length ?? UInt64.max
        let block = 4096 * SurvivorRecord.encodedSize
        while remaining > 0 {
            let data = try handle.read(upToCount: Int(min(UInt64(block), remaining))) ?? Data()
            if data.isEmpty { break }
            guard data.count % SurvivorRecord.encodedSize == 0 else {
                throw InputError(.damagedOutputDirectory, source: path, problem: "ends inside a record",
                                 fix: "run the sweep again: a resume cuts the file back to its last complete chunk")
            }
            remaining -= UInt64(data.count)
            let bytes = [UInt8](data)
            for offset in stride(from: 0, to: bytes.count, by: SurvivorRecord.encodedSize) {
                let record = SurvivorRecord(decoding: bytes[offset..<(offset + SurvivorRecord.encodedSize)])
                if try !body(record) { return }
            }
        }
    }
}
