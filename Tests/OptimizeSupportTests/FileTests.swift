import Foundation
import SystemPackage
import Testing
@testable import _OptimizeSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct AtomicFileTests {
    let directory = TemporaryDirectory()

    @Test func createsAFile() throws {
        let path = directory.file("best.json")
        try AtomicFile.write(Array("{}\n".utf8), to: path)
        #expect(text(of: path) == "{}\n")
        #expect(permissions(path) == 0o644)
        #expect(directory.names() == ["best.json"], "no temporary file is left beside it")
    }

    @Test func replacesTheContent() throws {
        let path = directory.file("best.json")
        writeFile("old content that is longer than the new", to: path)
        try AtomicFile.write(Array("new".utf8), to: path)
        #expect(text(of: path) == "new")
        try AtomicFile.write([], to: path)
        #expect(bytes(of: path) == [])
        #expect(directory.names() == ["best.json"])
    }

    @Test(arguments: [0o600, 0o640, 0o755, 0o444] as [mode_t])
    func keepsThePermissionsOfAnExistingFile(_ mode: mode_t) throws {
        let path = directory.file("run.json")
        writeFile("old", to: path)
        chmod(path.string, mode)
        try AtomicFile.write(Array("new".utf8), to: path)
        #expect(text(of: path) == "new")
        #expect(permissions(path) == mode)
    }

    @Test func writesInTheCurrentDirectoryForARelativePath() throws {
        let previous = FileManager.default.currentDirectoryPath
        // The working directory is process-wide: restore it at once, whatever happens.
        #expect(FileManager.default.changeCurrentDirectoryPath(directory.path.string))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try AtomicFile.write(Array("x".utf8), to: FilePath("relative.json"))
        #expect(text(of: directory.file("relative.json")) == "x")
        #expect(directory.names() == ["relative.json"])
    }

    @Test func replacesASymlinkInsteadOfFollowingIt() throws {
        let target = directory.file("precious.txt")
        writeFile("precious", to: target)
        chmod(target.string, 0o600)
        let link = directory.file("best.json")
        try FileManager.default.createSymbolicLink(atPath: link.string, withDestinationPath: target.string)

        try AtomicFile.write(Array("new".utf8), to: link)
        #expect(!isSymlink(link))
        #expect(isRegularFile(link))
        #expect(text(of: link) == "new")
        #expect(text(of: target) == "precious", "the symlink's target is untouched")
        #expect(permissions(target) == 0o600)
        #expect(permissions(link) == 0o644, "the link's target's permissions are not copied")
        #expect(directory.names() == ["best.json", "precious.txt"])
    }

    @Test func replacesADanglingSymlink() throws {
        let link = directory.file("best.json")
        let nowhere = directory.file("nowhere")
        try FileManager.default.createSymbolicLink(atPath: link.string, withDestinationPath: nowhere.string)
        try AtomicFile.write(Array("new".utf8), to: link)
        #expect(isRegularFile(link))
        #expect(!FileManager.default.fileExists(atPath: nowhere.string))
    }

    @Test func failsInAMissingDirectoryLeavingNothingBehind() {
        let missing = directory.file("missing")
        let path = missing.appending("best.json")
        let error = inputError { try AtomicFile.write(Array("x".utf8), to: path) }
        #expect(error?.kind == .unwritableFile)
        #expect(error?.source == path.string)
        #expect(directory.names().isEmpty)
    }

    @Test func refusesADirectoryTarget() throws {
        let target = directory.file("run")
        try FileManager.default.createDirectory(atPath: target.string, withIntermediateDirectories: false)
        writeFile("inside", to: target.appending("kept"))
        let error = inputError { try AtomicFile.write(Array("x".utf8), to: target) }
        #expect(error?.kind == .unwritableFile)
        #expect(error?.source == target.string)
        #expect(error?.problem.contains("directory") == true)
        #expect(directory.names() == ["run"], "no temporary file is left beside it")
        #expect(directory.names(in: target) == ["kept"])
        #expect(text(of: target.appending("kept")) == "inside")
    }

    @Test func refusesAnEmptyDirectoryTargetToo() throws {
        let target = directory.file("run")
        try FileManager.default.createDirectory(atPath: target.string, withIntermediateDirectories: false)
        #expect(inputError { try AtomicFile.write(Array("x".utf8), to: target) }?.kind == .unwritableFile)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: target.string, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test(.enabled(if: TinyDisk.available, "mounting a tmpfs needs root with CAP_SYS_ADMIN on Linux"))
    func reportsAFullDiskAndKeepsTheOldContent() throws {
        let disk = try #require(TinyDisk())
        let path = disk.path.appending("best.json")
        writeFile("old", to: path)
        disk.fill()
        let error = inputError { try AtomicFile.write([UInt8](repeating: 0x41, count: 256 * 1024), to: path) }
        #expect(error?.kind == .diskFull)
        #expect(error?.source == path.string)
        #expect(text(of: path) == "old")
        #expect(disk.directory.names() == ["best.json", "filler"], "no temporary file is left behind")
    }
}

@Suite struct AppendOnlyFileTests {
    let directory = TemporaryDirectory()

    @Test func createsAndAppends() throws {
        let path = directory.file("survivors.bin")
        let file = try AppendOnlyFile(path: path)
        try file.append([1, 2, 3])
        try file.append([4])
        #expect(bytes(of: path) == [1, 2, 3, 4])
        #expect(permissions(path) == 0o644)
    }

    @Test func appendsAfterExistingContentAndCutsWhenAsked() throws {
        let path = directory.file("survivors.bin")
        writeFile([9, 9, 9, 9], to: path)
        try AppendOnlyFile(path: path).append([1])
        #expect(bytes(of: path) == [9, 9, 9, 9, 1])
        try AppendOnlyFile(path: path, truncatingTo: 2).append([7])
        #expect(bytes(of: path) == [9, 9, 7])
        _ = try AppendOnlyFile(path: path, truncatingTo: 0)
        #expect(bytes(of: path) == [])
    }

    @Test func refusesASymlinkAndLeavesItsTargetUntouched() throws {
        let target = directory.file("precious.bin")
        writeFile("precious", to: target)
        let link = directory.file("survivors.bin")
        try FileManager.default.createSymbolicLink(atPath: link.string, withDestinationPath: target.string)

        for length in [nil, 0] as [UInt64?] {
            let error = inputError { try AppendOnlyFile(path: link, truncatingTo: length) }
            #expect(error?.kind == .unwritableFile)
            #expect(error?.source == link.string, "the error names the file")
            #expect(error?.problem.contains("symbolic link") == true, "\(String(describing: error))")
            #expect(text(of: target) == "precious")
            #expect(isSymlink(link))
        }
    }

    @Test func refusesADanglingSymlinkWithoutCreatingItsTarget() throws {
        let link = directory.file("survivors.bin")
        let nowhere = directory.file("nowhere")
        try FileManager.default.createSymbolicLink(atPath: link.string, withDestinationPath: nowhere.string)
        let error = inputError { try AppendOnlyFile(path: link) }
        #expect(error?.kind == .unwritableFile)
        #expect(!FileManager.default.fileExists(atPath: nowhere.string))
    }

    @Test func failsInAMissingDirectory() {
        let path = directory.file("missing").appending("survivors.bin")
        let error = inputError { try AppendOnlyFile(path: path) }
        #expect(error?.kind == .unwritableFile)
        #expect(error?.source == path.string)
    }

    @Test(.enabled(if: TinyDisk.available, "mounting a tmpfs needs root with CAP_SYS_ADMIN on Linux"))
    func reportsAFullDiskAndKeepsWhatWasWritten() throws {
        let disk = try #require(TinyDisk())
        let path = disk.path.appending("survivors.bin")
        let file = try AppendOnlyFile(path: path)
        try file.append([1, 2, 3])
        disk.fill()
        let error = inputError { try file.append([UInt8](repeating: 0x41, count: 256 * 1024)) }
        #expect(error?.kind == .diskFull)
        #expect(error?.source == path.string)
        #expect(error?.fix.contains("intact") == true)
        // What was appended before is intact; the owner cuts the partial record on reopening.
        #expect(bytes(of: path)?.prefix(3) == [1, 2, 3])
        try FileManager.default.removeItem(atPath: disk.path.appending("filler").string)
        try AppendOnlyFile(path: path, truncatingTo: 3).append([4])
        #expect(bytes(of: path) == [1, 2, 3, 4])
    }

    @Test(.enabled(if: TinyDisk.available, "mounting a tmpfs needs root with CAP_SYS_ADMIN on Linux"))
    func aJournalOnAFullDiskKeepsItsRecordsAndResumes() throws {
        let disk = try #require(TinyDisk())
        let path = disk.path.appending("trials.journal")
        let journal = try Journal(appendingTo: path, damage: .damagedTestJournal)
        _ = try journal.contents()
        try journal.append(.object([("trial", .integer(0))]))
        disk.fill()
        let big = JSONValue.object([("trial", .integer(1)), ("pad", .string(String(repeating: "x", count: 256 * 1024)))])
        #expect(inputError { try journal.append(big) }?.kind == .diskFull)
        #expect(try Journal.read(path, damage: .damagedTestJournal).records == [.object([("trial", .integer(0))])])
        try FileManager.default.removeItem(atPath: disk.path.appending("filler").string)
        try journal.append(.object([("trial", .integer(2))]))
        #expect(try Journal.read(path, damage: .damagedTestJournal).records
            == [.object([("trial", .integer(0))]), .object([("trial", .integer(2))])])
        #expect(text(of: path) == String(decoding: Journal.line(.object([("trial", .integer(0))]))
            + Journal.line(.object([("trial", .integer(2))])), as: UTF8.self))
    }
}

@Suite struct FileIOTests {
    let directory = TemporaryDirectory()

    @Test(arguments: [Errno.noSpace, .diskQuotaExceeded])
    func mapsAFullDiskToDiskFull(_ errno: Errno) {
        for kind in [InputError.Kind.unwritableFile, .unreadableFile] {
            let error = FileIO.failure(errno, FilePath("/data/run.json"), "writing failed", kind: kind)
            #expect(error.kind == .diskFull)
            #expect(error.source == "/data/run.json")
            #expect(error.problem.contains("disk is full"))
            #expect(error.problem.contains("writing failed"))
        }
    }

    @Test func keepsTheGivenKindForOtherErrors() {
        let error = FileIO.failure(Errno.permissionDenied, FilePath("a.json"), "cannot open it", kind: .unreadableFile)
        #expect(error.kind == .unreadableFile)
        #expect(error.problem.hasPrefix("cannot open it ("))
        #expect(FileIO.failure(Errno.ioError, FilePath("a.json"), "writing failed").kind == .unwritableFile)
        struct Other: Error {}
        #expect(FileIO.failure(Other(), FilePath("a.json"), "writing failed").kind == .unwritableFile)
    }

    @Test func explainsASymlinkRefusal() {
        let error = FileIO.failure(Errno.tooManySymbolicLinkLevels, FilePath("a.json"), "cannot open it for writing")
        #expect(error.kind == .unwritableFile)
        #expect(error.problem.contains("symbolic link"))
        #expect(error.description == "a.json: \(error.problem). Fix: \(error.fix).")
    }

    @Test func readsWholeFilesAndSizes() throws {
        let path = directory.file("data")
        #expect(try FileIO.contents(of: path) == nil)
        #expect(FileIO.size(of: path) == nil)
        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        writeFile(data, to: path)
        #expect(try FileIO.contents(of: path) == data)
        #expect(FileIO.size(of: path) == 200_000)
    }

    @Test func openForReadingRefusesASymlink() throws {
        let target = directory.file("target")
        writeFile("x", to: target)
        let link = directory.file("link")
        try FileManager.default.createSymbolicLink(atPath: link.string, withDestinationPath: target.string)
        let error = inputError { try FileIO.openForReading(link) }
        #expect(error?.kind == .unreadableFile)
    }
}

@Suite struct InputErrorTests {
    @Test func describesItself() {
        let error = InputError(.invalidOption, source: "--count", problem: "0 draws asked for", fix: "give --count between 1 and 16777216")
        #expect(error.description == "--count: 0 draws asked for. Fix: give --count between 1 and 16777216.")
        #expect(error.kind.name == "invalidOption")
        #expect(error.kind.description == "invalidOption")
    }

    @Test func kindsCompareByName() {
        #expect(InputError.Kind("diskFull") == .diskFull)
        #expect(InputError.Kind.needsMigration != .diskFull)
        #expect(Set([InputError.Kind.unreadableFile, .unwritableFile, .unreadableFile]).count == 2)
    }
}
