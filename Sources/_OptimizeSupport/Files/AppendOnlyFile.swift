import SystemPackage

/// A file that only grows, written durably: every append is on disk (fsync) when it returns.
///
/// ```swift
/// let file = try AppendOnlyFile(path: FilePath("run/survivors.bin"), truncatingTo: goodLength)
/// try file.append(record)
/// ```
public final class AppendOnlyFile {
    public let path: FilePath
    private let descriptor: FileDescriptor

    /// Opens (creating) `path` for appending, after cutting it to `length` bytes when given.
    /// A symlink at `path` is refused, never followed; a newly created file's directory entry is
    /// made durable.
    public init(path: FilePath, truncatingTo length: UInt64? = nil) throws(InputError) {
        self.path = path
        let existed = FileIO.size(of: path) != nil
        descriptor = try FileIO.openForWriting(path, append: true, create: true)
        do {
            if let length { try FileIO.truncate(descriptor, to: length, path: path) }
            if !existed { try FileIO.syncDirectory(path.removingLastComponent().isEmpty ? FilePath(".") : path.removingLastComponent()) }
        } catch {
            try? descriptor.close()
            throw error
        }
    }

    deinit { try? descriptor.close() }

    /// Appends `bytes` and waits until they are on disk.
    public func append(_ bytes: some Sequence<UInt8>) throws(InputError) {
        try FileIO.writeAll(bytes, to: descriptor, path: path)
        try FileIO.sync(descriptor, path: path)
    }
}
