import Foundation
import FuzzDriver
import Sieve

/// Fails the run: prints the broken invariant and aborts, which libFuzzer reports as a crash and
/// saves the input for.
public func fuzzFailure(_ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) -> Never {
    FileHandle.standardError.write(Data("fuzz invariant broken (\(file):\(line)): \(message())\n".utf8))
    abort()
}

/// Checks an invariant of the code under test.
public func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
    if !condition { fuzzFailure(message(), file: file, line: line) }
}

/// The input as bytes.
public func fuzzBytes(_ start: UnsafeRawPointer, _ count: Int) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: start, count: count))
}

/// A directory of this process's own for inputs that the code under test reads from a path (in
/// memory where /dev/shm exists), removed at exit.
public let fuzzScratch: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let path = (base as NSString).appendingPathComponent("optimize-fuzz-\(getpid())")
    try? FileManager.default.removeItem(atPath: path)
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: fuzzScratch) }
    return path
}()

/// Writes `bytes` to the file `name` in ``fuzzScratch`` and returns its path.
public func fuzzFile(_ name: String, _ bytes: [UInt8]) -> String {
    let path = (fuzzScratch as NSString).appendingPathComponent(name)
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { fuzzFailure("cannot write \(path)") }
    return path
}

/// Journal bytes from fuzzed bytes: each line of `text` (a JSON record, when the fuzzer gets it
/// right) with its checksum put in front, as ``Journal/line(_:)`` writes it, so that the fuzzer
/// reaches the record decoders instead of stopping at checksums it cannot guess. A last line
/// without a newline stays without one (a torn tail).
public func checksummedLines(_ text: ArraySlice<UInt8>) -> [UInt8] {
    var output: [UInt8] = []
    var lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let torn = lines.last.map { !$0.isEmpty } ?? false
    if !torn { lines.removeLast() }
    for line in lines {
        output += Array(CRC32.hex(CRC32.checksum(line)).utf8) + [UInt8(ascii: " ")] + line
        output.append(UInt8(ascii: "\n"))
    }
    if torn { output.removeLast() }
    return output
}

/// The records of fuzzed journal bytes, for readers that take records: the first byte chooses
/// whether the rest is journal bytes as they are (odd) or lines that get their checksums
/// (even, ``checksummedLines(_:)``), then read with ``Journal/parse(_:source:damage:)``; `nil`
/// when the journal is refused.
public func fuzzJournal(_ bytes: [UInt8]) -> [UInt8] {
    guard let mode = bytes.first else { return [] }
    return mode & 1 == 1 ? Array(bytes.dropFirst()) : checksummedLines(bytes.dropFirst())
}

/// A file of the repository (the fixtures the targets build their context from), found from this
/// source file's path.
public func repositoryFile(_ relative: String) -> String {
    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(relative).path
}

/// Runs libFuzzer's driver on `testOneInput` with this process's command line (libFuzzer's
/// options, corpus directories or inputs), and exits with its status.
public func runFuzzer(_ testOneInput: @convention(c) (UnsafeRawPointer?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}
