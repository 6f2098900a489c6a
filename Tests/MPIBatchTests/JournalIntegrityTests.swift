import Foundation
import Synchronization
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling

/// The journal cannot be torn by its contents or its disk, and reads back exactly what it wrote.
@Suite struct JournalIntegrityTests {
    private func line(of record: TaskRecord, parameters: String = #"{"status":"ok","index":99,"value":1}"#) -> [UInt8] {
        var json = JSONWriter()
        JournalLine.write(record, workload: RawParameters(json: parameters), to: &json)
        return json.bytes
    }

    private func record(_ index: Int, value: TaskValue, status: TaskStatus = .ok) -> TaskRecord {
        TaskRecord(index: index, attempt: 1, status: status, rank: 0, slot: 0, start: 1, seconds: 0.5, value: value, error: nil)
    }

    /// Writes `record`'s line, reads it back with the scanner, and returns the entry, the value
    /// read and its bytes (none when the line has no `value`).
    private func roundTrip(_ record: TaskRecord, parameters: String = "{}") throws -> (JournalEntry, TaskValue, [UInt8]) {
        var bytes = line(of: record, parameters: parameters)
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(bytes.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") })
        bytes.removeLast()
        return try bytes.withUnsafeBufferPointer { buffer in
            let entry = try JournalLineScanner.scan(buffer)
            let value = entry.value.map { TaskValue(journalBytes: UnsafeBufferPointer(rebasing: buffer[$0])) } ?? .none
            return (entry, value, entry.value.map { Array(buffer[$0]) } ?? [])
        }
    }

    @Test func doublesRoundTripExactly() throws {
        // 19.826983067712217 is one that JSONSerialization reads back 1 ulp off on Linux.
        var numbers = [19.826983067712217, 0.1, 1e-300, 5e-324, 1.7976931348623157e308, -0.0, 3.2613586236637]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 { numbers.append(Double(bitPattern: generator.next() & ~(0x7FF << 52)) * 1e10) }
        let (_, value, _) = try roundTrip(record(0, value: .numbers(numbers)))
        guard case .numbers(let read) = value else { Issue.record("read back as \(value)"); return }
        let differing = zip(read, numbers).first { $0.bitPattern != $1.bitPattern }
        #expect(differing == nil && read.count == numbers.count, "first differing: \(String(describing: differing))")
        for number in numbers.prefix(7) {
            let (_, single, _) = try roundTrip(record(0, value: .number(number)))
            #expect(single == .number(number))
        }
    }

    @Test(arguments: [
        TaskValue.none, .number(42), .text("a \"quoted\"\nline\twith\u{1} controls and ünïcode"), .numbers([]),
        .json(#"{"a":[1,2,{"b":null}],"c":"x\ny"}"#), .json("5"), .json(#""\u0041""#), .json("[1,2]"),
    ])
    func everyValueWritesBackTheSameBytes(_ value: TaskValue) throws {
        let (_, read, raw) = try roundTrip(record(3, value: value))
        if value == .none {
            #expect(read == .none && raw.isEmpty, "no value, no key")
            return
        }
        var again = JSONWriter()
        read.write(to: &again)
        #expect(again.bytes == raw)
    }

    @Test func aPrettyPrintedResultBecomesOneLine() throws {
        let pretty = TaskValue.json("{\n  \"residual\": 1e-7,\n  \"name\": \"a b\\n\",\n  \"xs\": [\n    1,\n    2\n  ]\n}\n")
        #expect(pretty.journalForm == .json(#"{"residual":1e-7,"name":"a b\n","xs":[1,2]}"#))
        #expect(TaskValue.json("not json\n{").journalForm == .text("not json\n{"))
        #expect(TaskValue.json("1 2").journalForm == .text("1 2"))
        let (_, read, _) = try roundTrip(record(0, value: pretty.journalForm))
        #expect(read == pretty.journalForm)
    }

    @Test func parametersNamedLikeTheLineFieldsDoNotFoolTheScanner() throws {
        let (entry, _, _) = try roundTrip(
            record(7, value: .none, status: .failed), parameters: #"{"status":"ok","index":99,"value":1,"error":null}"#)
        #expect(entry.index == 7)
        #expect(entry.status == .failed)
        #expect(entry.value == nil && entry.error == nil, "the parameters' value and error are not the line's")
    }

    @Test func aHugeIndexIsAnErrorNotACrash() {
        var bytes = Array(#"{"index":99999999999999999999,"status":"ok","seconds":0,"start":0,"rank":0,"slot":0}"#.utf8)
        #expect(throws: JournalSyntaxError.self) {
            try bytes.withUnsafeMutableBufferPointer { try JournalLineScanner.scan(UnsafeBufferPointer($0)) }
        }
    }

    @Test func indexRangesInsertMatchesASet() {
        var generator = SystemRandomNumberGenerator()
        var ranges = IndexRanges()
        var set = Set<Int>()
        for step in 0..<20_000 {
            // Mostly ascending, as a journal is, with stragglers from anywhere.
            let index = step % 7 == 0 ? Int.random(in: 0..<30_000, using: &generator) : step + Int.random(in: 0..<40, using: &generator)
            ranges.insert(index)
            set.insert(index)
        }
        #expect(ranges == IndexRanges(set))
        #expect(ranges.count == set.count)
        #expect(IndexRanges([3, 4, 8]).isolating(in: 0..<10) == [0..<3, 3..<4, 4..<5, 5..<8, 8..<9, 9..<10])
    }

    @Test func resumedChunksArePlannedFromTheWorkLeft() {
        // 30 of 300 done at the start, task 100 failed before: the first guided chunk is sized
        // from the 270 left, and the failed task comes alone.
        let done = IndexRanges(Array(0..<30))
        var source = IndexDispenser(policy: .guided, taskCount: 300, totalSlots: 3)
            .resumed(taskCount: 300, done: done, failed: IndexRanges([100]), values: [:])
        var handed: [Range<Int>] = []
        while let range = source.next(forSlotOrdinal: 0) { handed.append(range) }
        #expect(Array(handed.prefix(3)) == [30..<100, 100..<101, 101..<120])
        #expect(handed.flatMap { Array($0) } == Array(30..<300))
        var limited = IndexDispenser(policy: .dynamic, taskCount: 300, totalSlots: 3)
            .resumed(taskCount: 300, done: IndexRanges(Array(0..<30) + Array(50..<60)), failed: IndexRanges(), values: [:])
        limited.lowerLimit(to: 70)
        var kept: [Int] = []
        while let range = limited.next(forSlotOrdinal: 0) { kept += Array(range) }
        #expect(kept == Array(30..<50) + Array(60..<70))
        #expect(limited.limit == 70)
    }

    @Test func aFailedWriteStopsTheJournalAndCountsWhatWasLost() throws {
        // /dev/full fails every write with ENOSPC, as a full disk does.
        let journal = try Journal(path: "/dev/full", workload: RawParameters(json: "{}"))
        let told = Told()
        journal.onFailure { told.set($0) }
        journal.append([record(0, value: .none), record(1, value: .none, status: .failed)])
        journal.append([record(2, value: .none)])
        let failure = journal.close()
        #expect(failure?.error.code == ENOSPC)
        #expect(failure?.unwrittenSucceeded == 2)
        #expect(told.error?.code == ENOSPC)
    }

    @Test func appendWaitsForTheWriterBeyondTheQueueLimitAndLosesNothing() throws {
        // Tasks that finish faster than their lines are written wait, not rank 0's memory grow.
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/results.jsonl"
        let journal = try Journal(path: path, workload: RawParameters(json: "{}"), queueLimit: 4)
        for batch in 0..<2000 { journal.append((3 * batch..<3 * batch + 3).map { record($0, value: .none) }) }
        #expect(journal.peakQueuedRecords <= 4)
        journal.append((6000..<6010).map { record($0, value: .none) })  // over the limit: waits for an empty queue, never forever
        #expect(journal.close()?.error == nil)
        #expect(journal.peakQueuedRecords == 10)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6010)
        #expect(lines.enumerated().allSatisfy { $0.element.hasPrefix("{\"index\":\($0.offset),") })
    }

    @Test func aJournalSentToTheDiskAsItGoesReadsBackWhole() throws {
        // Five hand-overs to the disk while the lines are written (the earlier ranges handed again, to leave the
        // cache), then the fsync at close: every line is there, whole.
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/results.jsonl"
        let journal = try Journal(path: path, workload: RawParameters(json: "{}"))
        let text = String(repeating: "w", count: 4000)
        let count = 5 * Journal.writebackBytes / 4000 + 100
        for batch in stride(from: 0, to: count, by: 100) {
            journal.append((batch..<min(count, batch + 100)).map { record($0, value: .text(text)) })
        }
        #expect(journal.close()?.error == nil)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == count)
        #expect(lines.enumerated().allSatisfy { $0.element.hasPrefix("{\"index\":\($0.offset),") && $0.element.contains(text) })
        // A range past the file's end is no error: nothing to write back.
        let file = try OutputFile(appendingTo: path)
        file.handToDisk(offset: try file.length(), count: 1 << 20)
        try file.sync()
        #expect(try file.length() == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
    }

    @Test func outputsAreNeverWrittenThroughSymlinks() throws {
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let victim = directory + "/victim.txt"
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory + "/results.jsonl", withDestinationPath: victim)
        #expect(throws: OutputError.self) { try Journal(path: directory + "/results.jsonl", workload: RawParameters(json: "{}")) }
        #expect(throws: RunFileError.self) {
            try JournalState(journal: JournalShards(directory: directory), taskCount: 1, parts: [], keepValues: false)
        }
        try FileManager.default.createSymbolicLink(atPath: directory + "/run.json.tmp", withDestinationPath: victim)
        try OutputFile.replace(directory + "/run.json", with: Array("{}\n".utf8))
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    }

    @Test func onlyATornJournalLineIsCutAndIndicesMustBelongToTheJob() throws {
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/results.jsonl"
        let good = String(decoding: line(of: record(0, value: .none)), as: UTF8.self)
        try (good + "some other file's text").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: RunFileError.self) { try JournalState(journal: JournalShards(file: path), taskCount: 5, parts: [], keepValues: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("text"))  // nothing was cut
        try (good + String(decoding: line(of: record(5, value: .none)), as: UTF8.self)).write(
            toFile: path, atomically: false, encoding: .utf8)
        #expect {
            try JournalState(journal: JournalShards(file: path), taskCount: 5, parts: [], keepValues: false)
        } throws: { error in
            (error as? RunFileError)?.description.contains(":2: index 5 is outside this job's 5 tasks") == true
        }
    }

    @Test func aSecondRunOnTheSameDirectoryIsRefusedWithTheHoldersName() throws {
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var held: RunLock? = try RunLock(directory: directory, warn: { _ in })
        #expect {
            try RunLock(directory: directory, warn: { _ in })
        } throws: { error in
            (error as? RunFileError)?.description.contains("pid \(getpid())") == true
        }
        #expect(held != nil)
        held = nil  // released, as when its run ends or dies
        _ = try RunLock(directory: directory, warn: { _ in })
    }
}

/// A workload whose every task has the same parameters, given as JSON text.
struct RawParameters: Workload {
    let json: String
    var taskCount: Int { 1 }
    func writeParameters(of index: Int, to json: inout JSONWriter) { json.raw(self.json) }
    func run(_ task: TaskContext) async throws -> TaskValue { .none }
}

/// The error a failure handler was given.
final class Told: Sendable {
    private let told = Mutex<OutputError?>(nil)
    var error: OutputError? { told.withLock { $0 } }
    func set(_ error: OutputError) { told.withLock { $0 = error } }
}
