import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling

/// A journal of several files (`results.jsonl` and per-node shards, hand-made here): every
/// reader sees them merged, an index's final line chosen by journal order (part, then dispatch
/// sequence), never by which file was read first; torn tails cut per shard; a shard deleted by
/// hand named, or its loss accepted with `--force`.
@Suite struct JournalShardsTests {
    /// A journal line of `index`; a shard's line carries `part` and `seq`.
    private static func line(_ index: Int, _ status: String, attempt: Int, part: Int? = nil, seq: Int? = nil, value: String = "null") -> String {
        let order = part.map { #","part":\#($0),"seq":\#(seq ?? 0)"# } ?? ""
        return #"{"index":\#(index)\#(order),"params":{"i":\#(index)},"status":"\#(status)","seconds":0.5,"start":1.25,"#
            + #""rank":0,"slot":0,"attempt":\#(attempt),"value":\#(value),"error":null}"#
    }

    private static func write(_ lines: [String], to path: String, tail: String = "") throws {
        try (lines.map { $0 + "\n" }.joined() + tail).write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// A run directory with `results.jsonl` (part 1) and shards of parts 2 and 3; returns its path.
    /// Node 0's shard is read before node 1's, so a reader that went by file order would choose wrong.
    private static func shardedRun() throws -> String {
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/journal", withIntermediateDirectories: true)
        try write([line(0, "failed", attempt: 1), line(3, "ok", attempt: 1, value: "3")], to: directory + "/results.jsonl")
        try write(
            [
                line(0, "ok", attempt: 2, part: 2, seq: 5, value: "20"),
                line(1, "failed", attempt: 2, part: 2, seq: 7),
            ], to: directory + "/journal/n0000.p2.jsonl")
        try write(
            [
                line(1, "failed", attempt: 1, part: 2, seq: 3),
                line(0, "ok", attempt: 3, part: 2, seq: 9, value: "30"),  // a later duplicate ok: the first one stands
                line(2, "ok", attempt: 1, part: 2, seq: 2, value: "2"),
            ], to: directory + "/journal/n0001.p2.jsonl")
        try write([line(2, "failed", attempt: 2, part: 3, seq: 1)], to: directory + "/journal/n0000.p3.jsonl")
        try write(["n0000.p2.jsonl", "n0001.p2.jsonl", "n0000.p3.jsonl"], to: directory + "/journal/shards")
        return directory
    }

    /// What `mpibatch results` prints for the run in `directory`, parsed (through a file: a pipe
    /// read after the writing would hold only its buffer's worth).
    static func results(_ directory: String) throws -> [[String: Any]] {
        let path = directory + ".results"
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try CompactedResults.write(directory: directory, to: output)
        try output.close()
        return try String(contentsOfFile: path, encoding: .utf8)
            .split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test func theFinalAttemptAcrossShardsGoesByPartAndSequence() throws {
        let directory = try Self.shardedRun()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let final = try Self.results(directory)
        #expect(final.map { $0["index"] as? Int } == [0, 1, 2, 3])
        #expect(final.map { $0["attempt"] as? Int } == [2, 2, 1, 1])  // 0: first ok; 1: its last (seq 7); 2: its ok in part 2
        #expect(final.map { $0["status"] as? String } == ["ok", "failed", "ok", "ok"])
        // The same rule through the external sort's spilled runs.
        var attempts: [Int] = []
        try FinalLines.forEach(FinalAttempts(journal: JournalShards(directory: directory), runLength: 2)) { (place, _) throws(RunFileError) in
            attempts.append(place.index)
        }
        #expect(attempts == [0, 1, 2, 3])
        #expect(try TaskLogs.attempt(directory: directory, index: 1).attempt == 2)
        #expect(try TaskLogs.attempt(directory: directory, index: 0).attempt == 2)
        #expect(try TaskLogs.attempt(directory: directory, index: 0, attempt: 3).status == .ok)
        var failures: [Int] = []
        try TaskLogs.forEachFailure(directory: directory) { failures.append($0.index) }
        #expect(failures == [1])
        let state = try JournalState(journal: JournalShards(directory: directory), taskCount: 4, parts: [], keepValues: true)
        #expect(state.succeeded == IndexRanges([0, 2, 3]))
        #expect(state.failedAttempts == [1: 2])
        #expect(Dictionary(state.values.map { ($0.index, $0.value) }, uniquingKeysWith: { first, _ in first }) == [0: .json("20"), 2: .json("2"), 3: .json("3")])
    }

    @Test func aTornShardIsCutAloneAndTheOthersAreRead() throws {
        let directory = try Self.shardedRun()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let torn = directory + "/journal/n0001.p2.jsonl"
        let whole = try String(contentsOfFile: torn, encoding: .utf8)
        try (whole + #"{"index":1,"part":2,"se"#).write(toFile: torn, atomically: false, encoding: .utf8)
        #expect(try Self.results(directory).count == 4)  // a reader skips the torn line
        let state = try JournalState(journal: JournalShards(directory: directory), taskCount: 4, parts: [], keepValues: false)
        #expect(state.tornBytes == 23)
        #expect(try String(contentsOfFile: torn, encoding: .utf8) == whole)
        #expect(try String(contentsOfFile: directory + "/results.jsonl", encoding: .utf8).hasSuffix("null}\n"))
    }

    @Test func aShardsLineMustSayItsPartAndSequence() throws {
        let directory = try Self.shardedRun()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shard = directory + "/journal/n0000.p3.jsonl"
        try Self.write([Self.line(2, "failed", attempt: 2, part: 3, seq: 1), Self.line(2, "failed", attempt: 3)], to: shard)
        #expect {
            _ = try Self.results(directory)
        } throws: { error in
            (error as? RunFileError)?.description == shard + ":2: a shard's line needs its \"part\" and \"seq\""
        }
        try Self.write([Self.line(2, "failed", attempt: 2, part: 2, seq: 1)], to: shard)
        #expect {
            _ = try JournalState(journal: JournalShards(directory: directory), taskCount: 4, parts: [], keepValues: false)
        } throws: { error in
            (error as? RunFileError)?.description == shard + ":1: \"part\" 2 is not the part 3 its file's name says"
        }
    }

    @Test func aListedShardThatIsMissingIsNamedUnlessItsLossIsAccepted() throws {
        let directory = try Self.shardedRun()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lost = directory + "/journal/n0001.p2.jsonl"
        try FileManager.default.removeItem(atPath: lost)
        for read in [{ _ = try Self.results(directory) }, { try TaskLogs.forEachFailure(directory: directory) { _ in } }] as [() throws -> Void] {
            #expect {
                try read()
            } throws: { error in
                (error as? RunFileError)?.path == lost && (error as? RunFileError)?.reason.contains("--resume --force") == true
            }
        }
        let accepted = try JournalShards(directory: directory, acceptingMissing: true)
        #expect(accepted.missing == ["n0001.p2.jsonl"])
        try accepted.forgetMissing(in: directory)
        #expect(try String(contentsOfFile: directory + "/journal/shards", encoding: .utf8) == "n0000.p2.jsonl\nn0000.p3.jsonl\n")
        #expect(try Self.results(directory).map { $0["index"] as? Int } == [0, 1, 2, 3])
    }

    @Test func aBadListAndAShardsNamesAreRead() throws {
        #expect(JournalShards.numbers(of: "n0003.p2.jsonl").map { [$0.node, $0.part] } == [3, 2])
        for name in ["n3.p0.jsonl", "n.p2.jsonl", "n0003.p2.json", "n0003.2.jsonl", "x0003.p2.jsonl", "n00-3.p2.jsonl"] {
            #expect(JournalShards.numbers(of: name) == nil, "\(name)")
        }
        let directory = try Self.shardedRun()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.write(["n0000.p2.jsonl", "../results.jsonl"], to: directory + "/journal/shards")
        #expect {
            _ = try JournalShards(directory: directory)
        } throws: { error in
            (error as? RunFileError)?.description == directory + "/journal/shards:2: not a shard's name (nNNNN.pP.jsonl): ../results.jsonl"
        }
        let empty = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect {
            _ = try JournalShards(directory: empty)
        } throws: { error in
            (error as? RunFileError)?.path == empty + "/results.jsonl"
        }
    }

    /// A shard deleted by hand before `--resume`: refused, naming it; with `--force` exactly the
    /// tasks it held run again, and the run ends with every index once.
    @Test func resumeAfterAShardWasDeletedRerunsExactlyItsTasks() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await runInMemory(CountingWorkload(taskCount: 40), ranks: 2, directory: directory)
        // Make part 1's lines of 20..<40 look like two nodes' shards, then lose node 1's.
        let journal = directory + "/results.jsonl"
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").map(String.init)
        func index(_ line: String) -> Int { Int(line.dropFirst(#"{"index":"#.count).prefix { $0.isNumber })! }
        func sharded(_ line: String, seq: Int) -> String {
            line.replacingOccurrences(of: #"{"index":\#(index(line)),"#, with: #"{"index":\#(index(line)),"part":1,"seq":\#(seq),"#)
        }
        try FileManager.default.createDirectory(atPath: directory + "/journal", withIntermediateDirectories: true)
        try Self.write(lines.filter { index($0) < 20 }, to: journal)
        try Self.write(lines.filter { (20..<30).contains(index($0)) }.map { sharded($0, seq: 1) }, to: directory + "/journal/n0000.p1.jsonl")
        try Self.write(["n0000.p1.jsonl", "n0001.p1.jsonl"], to: directory + "/journal/shards")
        await #expect {
            _ = try await runInMemory(CountingWorkload(taskCount: 40), ranks: 2, directory: directory, resume: true)
        } throws: { error in
            (error as? RunFileError)?.path == directory + "/journal/n0001.p1.jsonl"
        }
        let (after, _) = try await runInMemory(CountingWorkload(taskCount: 40), ranks: 3, directory: directory, resume: true, force: true)
        #expect(after.parts.last?.attempts == 10)
        #expect(after.tasksSucceeded == 40)
        #expect(after.extraLines.contains { $0.contains("n0001.p1.jsonl was missing") })
        #expect(try Self.results(directory).map { $0["index"] as? Int } == Array(0..<40))
    }
}
