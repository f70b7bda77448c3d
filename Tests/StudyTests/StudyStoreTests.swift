import Foundation
import Testing
@testable import Study

/// A fresh directory for one test.
func scratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("study-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Study store")
struct StudyStoreTests {
    static let space = TPESamplerTests.mixed

    func makeStudy(seed: UInt64 = 5, direction: Direction = .minimize) throws -> (URL, StudyStore) {
        let directory = try scratchDirectory().appendingPathComponent("study")
        let store = try StudyStore.create(at: directory, definition: StudyDefinition(space: Self.space, direction: direction, seed: seed))
        return (directory, store)
    }

    @Test("ask hands out numbered trials; tell, fail and prune finish them; the snapshot shows all")
    func askAndTell() throws {
        let (directory, store) = try makeStudy()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let trials = try (0..<4).map { _ in try store.ask() }
        #expect(trials.map(\.number) == [0, 1, 2, 3])
        try store.tell(trial: 0, value: 2.5)
        try store.tell(trial: 1, value: -1)
        try store.fail(trial: 2)
        try store.prune(trial: 3, step: 4, value: 7)
        let snapshot = try StudyStore(opening: directory).snapshot()
        #expect(snapshot.trials.map(\.state) == [.complete(2.5), .complete(-1), .failed, .pruned(step: 4, value: 7)])
        #expect(snapshot.trials.map(\.parameters) == trials.map(\.parameters))
        #expect(snapshot.best?.number == 1)
        #expect(snapshot.definition == store.definition)
    }

    @Test("telling an unknown or finished trial, or a non-finite value, is an error that changes nothing")
    func tellErrors() throws {
        let (directory, store) = try makeStudy()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        _ = try store.ask()
        try store.tell(trial: 0, value: 1)
        let journal = directory.appendingPathComponent(StudyStore.journalFileName)
        let before = try Data(contentsOf: journal)
        func kind(_ body: () throws -> Void) -> InputError.Kind? {
            do { try body(); return nil } catch { return (error as? InputError)?.kind }
        }
        #expect(kind { try store.tell(trial: 1, value: 1) } == .unknownTrial)
        #expect(kind { try store.tell(trial: -1, value: 1) } == .unknownTrial)
        #expect(kind { try store.tell(trial: 0, value: 2) } == .finishedTrial)
        #expect(kind { try store.fail(trial: 0) } == .finishedTrial)
        #expect(kind { _ = try store.reask(trial: 0) } == .finishedTrial)
        _ = try store.ask()
        #expect(kind { try store.tell(trial: 1, value: .nan) } == .invalidOption)
        #expect(try Data(contentsOf: journal).count > before.count)
        #expect(try store.snapshot().trials[1].state == .running)
    }

    @Test("creating over a study, or opening something that is not one, is an error")
    func createAndOpenErrors() throws {
        let (directory, _) = try makeStudy()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let definition = try Data(contentsOf: directory.appendingPathComponent("study.json"))
        #expect(throws: InputError.self) {
            try StudyStore.create(at: directory, definition: StudyDefinition(space: Self.space, direction: .maximize, seed: 1))
        }
        #expect(try Data(contentsOf: directory.appendingPathComponent("study.json")) == definition)
        do {
            _ = try StudyStore(opening: directory.deletingLastPathComponent())
            Issue.record("opened a directory without study.json")
        } catch {
            #expect(error.kind == .invalidStudy)
        }
        try Data("{\"format\": 1}".utf8).write(to: directory.appendingPathComponent("study.json"))
        do {
            _ = try StudyStore(opening: directory)
            Issue.record("opened a broken study.json")
        } catch {
            #expect(error.kind == .invalidStudy && error.source.hasSuffix("study.json: space"))
        }
    }

    @Test("a torn last record is dropped on read, and cut off by the next writer")
    func tornRecord() throws {
        let (directory, store) = try makeStudy()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        for _ in 0..<3 {
            let trial = try store.ask()
            try store.tell(trial: trial.number, value: Double(trial.number))
        }
        let journal = directory.appendingPathComponent(StudyStore.journalFileName)
        let whole = try Data(contentsOf: journal)
        let lastLineStart = whole.dropLast().lastIndex(of: UInt8(ascii: "\n"))! + 1
        // Every truncation inside the last record, and a last record with a flipped byte.
        var damaged = (lastLineStart + 1..<whole.count).map { whole.prefix($0) }
        var flipped = whole
        flipped[lastLineStart + 12] ^= 0x01
        damaged.append(flipped)
        for bytes in damaged {
            try bytes.write(to: journal)
            let snapshot = try StudyStore(opening: directory).snapshot()
            #expect(snapshot.droppedTornRecord)
            #expect(snapshot.trials.map(\.state) == [.complete(0), .complete(1), .running])
        }
        // The next writer truncates the torn bytes and appends a good record after the good ones.
        try StudyStore(opening: directory).tell(trial: 2, value: 9)
        let snapshot = try StudyStore(opening: directory).snapshot()
        #expect(!snapshot.droppedTornRecord)
        #expect(snapshot.trials.map(\.state) == [.complete(0), .complete(1), .complete(9)])
        #expect(try Data(contentsOf: journal).prefix(lastLineStart) == whole.prefix(lastLineStart))
    }

    @Test("a damaged record followed by good ones is reported, naming the file and line")
    func damagedMiddle() throws {
        let (directory, store) = try makeStudy()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        for _ in 0..<2 { _ = try store.ask() }
        let journal = directory.appendingPathComponent(StudyStore.journalFileName)
        var bytes = try Data(contentsOf: journal)
        bytes[20] ^= 0x04
        try bytes.write(to: journal)
        do {
            _ = try store.snapshot()
            Issue.record("read a damaged journal")
        } catch {
            #expect(error.kind == .invalidStudy && error.source.hasSuffix("trials.journal: line 1"))
        }
    }

    @Test("an unfinished trial can be asked again, with the same parameters, and then told")
    func reask() throws {
        let (directory, store) = try makeStudy()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let first = try store.ask(owner: TrialOwner(processID: 999_999_999, host: TrialOwner.currentHost))
        #expect(try store.snapshot().orphaned.map(\.number) == [0])
        let again = try store.reask(trial: 0)
        #expect(again.parameters == first.parameters && again.attempts == 2)
        #expect(try store.snapshot().orphaned.isEmpty)  // this process is alive
        try store.tell(trial: 0, value: 3)
        #expect(try store.snapshot().trials[0].state == .complete(3))
    }

    @Test("a study replayed from its journal proposes exactly what an uninterrupted one proposed")
    func replayEqualsUninterrupted() throws {
        // Uninterrupted: one store object, sequential ask/tell.
        let (directoryA, storeA) = try makeStudy(seed: 21)
        let (directoryB, _) = try makeStudy(seed: 21)
        defer {
            try? FileManager.default.removeItem(at: directoryA.deletingLastPathComponent())
            try? FileManager.default.removeItem(at: directoryB.deletingLastPathComponent())
        }
        var uninterrupted: [[String: ParameterValue]] = []
        for _ in 0..<40 {
            let trial = try storeA.ask()
            uninterrupted.append(trial.parameters)
            try storeA.tell(trial: trial.number, value: TPESamplerTests.objective(trial.parameters))
        }
        // Interrupted: reopened from disk before every step, a crash (an asked trial never told,
        // then retried) at trial 13, and a torn record left at trial 27.
        var interrupted: [[String: ParameterValue]] = []
        let journalB = directoryB.appendingPathComponent(StudyStore.journalFileName)
        for number in 0..<40 {
            var trial = try StudyStore(opening: directoryB).ask()
            if number == 13 {
                trial = try StudyStore(opening: directoryB).reask(trial: 13)
            }
            if number == 27 {
                let handle = try FileHandle(forWritingTo: journalB)
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("0badc0de {\"event\":\"told\",\"tri".utf8))
                try handle.close()
            }
            interrupted.append(trial.parameters)
            try StudyStore(opening: directoryB).tell(trial: trial.number, value: TPESamplerTests.objective(trial.parameters))
        }
        #expect(interrupted == uninterrupted)
        // And both equal the sampler run in memory: the store adds nothing to the proposals.
        #expect(TPESamplerTests.study(seed: 21, trials: 40).map(\.parameters) == uninterrupted)
        let snapshot = try StudyStore(opening: directoryB).snapshot()
        #expect(snapshot.trials.map(\.state) == (try storeA.snapshot()).trials.map(\.state))
    }

    @Test("stores in several threads share a study; no trial is handed out twice")
    func concurrentAsks() async throws {
        let (directory, _) = try makeStudy()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let numbers = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = try StudyStore(opening: directory)  // its own descriptor, so its own lock
                    var mine: [Int] = []
                    for _ in 0..<15 {
                        let trial = try store.ask()
                        mine.append(trial.number)
                        try store.tell(trial: trial.number, value: TPESamplerTests.objective(trial.parameters))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(numbers.sorted() == Array(0..<60))
        let snapshot = try StudyStore(opening: directory).snapshot()
        #expect(snapshot.trials.count == 60 && snapshot.trials.allSatisfy { $0.value != nil })
    }
}

/// A study replays only under the sampler that ran it: study.json names it, and opening picks it.
@Suite("Study store: sampler versions")
struct StudySamplerVersionTests {
    /// A study whose study.json records `version` (or no version at all, as early studies did).
    func study(recording version: String?) throws -> URL {
        let directory = try scratchDirectory().appendingPathComponent("study")
        try StudyStore.create(at: directory, definition: StudyDefinition(space: TPESamplerTests.mixed, direction: .minimize, seed: 9))
        let file = directory.appendingPathComponent(StudyStore.definitionFileName)
        var text = try String(contentsOf: file, encoding: .utf8)
        let current = "\"sampler\":\"\(StudyDefinition.samplerVersion)\""
        #expect(text.contains(current), "\(text)")
        text = text.replacingOccurrences(of: current, with: version.map { "\"sampler\":\"\($0)\"" } ?? "\"none\":0")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return directory
    }

    @Test("a new study records tpe/2 and proposes with its settings")
    func current() throws {
        let directory = try scratchDirectory().appendingPathComponent("study")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let store = try StudyStore.create(at: directory, definition: StudyDefinition(space: TPESamplerTests.mixed, direction: .minimize, seed: 9))
        #expect(StudyDefinition.samplerVersion == "tpe/2")
        #expect(store.sampler.configuration == TPESampler.Configuration())
    }

    @Test("a study made by tpe/1, or recording no sampler, keeps tpe/1's settings")
    func older() throws {
        for version in ["tpe/1", nil] {
            let directory = try study(recording: version)
            defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
            let store = try StudyStore(opening: directory)
            #expect(store.sampler.configuration == TPESampler.Configuration.version("tpe/1"))
            #expect(store.sampler.configuration != TPESampler.Configuration())
        }
    }

    @Test("a study made by a sampler this build does not know is refused, naming it")
    func unknown() throws {
        let directory = try study(recording: "tpe/99")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        #expect {
            try StudyStore(opening: directory)
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.kind == .invalidStudy && error.problem.contains("tpe/99")
        }
    }
}
