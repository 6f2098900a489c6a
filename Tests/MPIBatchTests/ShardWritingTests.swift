import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchLaunch
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling

/// The writing side of the journal per node: a part that spans nodes numbers its assignments,
/// its records carry their chunk's number, and each node's lines go to that node's shard
/// (`journal/nNNNN.pP.jsonl`, listed in `journal/shards`); a run on one node keeps `results.jsonl`.
@Suite struct ShardWritingTests {
    private func record(_ index: Int, rank: Int, attempt: Int = 1, status: TaskStatus = .ok, sequence: Int = 0) -> TaskRecord {
        var record = TaskRecord(
            index: index, attempt: attempt, status: status, rank: rank, slot: 0, start: 0, seconds: 0.001,
            value: .number(Double(index)), error: status == .ok ? nil : "boom")
        record.sequence = sequence
        return record
    }

    private func assigned(_ actions: [CoordinatorAction]) -> [Chunk] {
        actions.compactMap { if case .send(.assign(_, let chunk), _) = $0 { chunk } else { nil } }
    }

    private func recorded(_ actions: [CoordinatorAction]) -> [TaskRecord] {
        actions.flatMap { action -> [TaskRecord] in if case .record(let records) = action { records } else { [] } }
    }

    @Test func aShardedPartNumbersEachAssignmentAndARetryComesAfterItsAttempt() {
        var coordinator = Coordinator(
            source: IndexDispenser(policy: .dynamic, taskCount: 400, totalSlots: 2), retries: { _ in 1 }, failFast: false,
            slotsPerRank: [1, 1], reducer: nil, numbersDispatches: true)
        let first = assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: 0))
        let second = assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: 1))
        #expect((first + second).map(\.sequence) == [1, 2, 3, 4])
        // Task 0 fails: its retry is handed out by a later assignment than its first attempt's.
        let reported = first.flatMap { chunk in
            (chunk.start..<chunk.end).map { record($0, rank: 0, status: $0 == 0 ? .failed : .ok, sequence: chunk.sequence) }
        }
        let retry = assigned(coordinator.handle(.results(slot: 0, records: reported, wantsMore: true), from: 0))
        #expect(retry == [Chunk(start: 0, end: 1, attempt: 2, sequence: 5)])
        #expect(coordinator.dispatches == 5)
    }

    @Test func aPartOnOneNodeNumbersNothing() {
        var coordinator = Coordinator(
            taskCount: 400, retries: 0, failFast: false, policy: .dynamic, slotsPerRank: [1], reducer: nil)
        #expect(assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: 0)).map(\.sequence) == [0, 0])
        #expect(coordinator.dispatches == 0)
    }

    @Test func aTaskCancelledBeforeItWasHandedOutTakesTheCountThen() {
        var coordinator = Coordinator(
            source: IndexDispenser(policy: .dynamic, taskCount: 400, totalSlots: 1), retries: { _ in 0 }, failFast: false,
            slotsPerRank: [1], reducer: nil, numbersDispatches: true)
        let handed = assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: 0))
        #expect(handed.map(\.sequence) == [1, 2])
        let ahead = handed[1].end + 1  // in the source's next chunk
        _ = coordinator.cancel([ahead])
        let actions = coordinator.handle(
            .results(slot: 0, records: (handed[0].start..<handed[0].end).map { record($0, rank: 0, sequence: 1) }, wantsMore: true),
            from: 0)
        let cancelled = recorded(actions).filter { $0.status == .cancelled }
        #expect(cancelled.map(\.index) == [ahead] && cancelled.map(\.sequence) == [2])
    }

    @Test func theSequenceTravelsInAssignmentsAndRecords() throws {
        let assign = RuntimeMessage.assign(slot: 1, chunk: Chunk(start: 4, end: 9, attempt: 2, sequence: 77))
        #expect(try RuntimeMessage(decoding: assign.encoded(), from: 0) == assign)
        var numbered = record(5, rank: 2, sequence: 1 << 40)
        numbered.gpus = "0,1"
        let results = RuntimeMessage.results(slot: 0, records: [numbered, record(6, rank: 2)], wantsMore: false)
        #expect(try RuntimeMessage(decoding: results.encoded(), from: 2) == results)
        // A record without a number costs no byte more than before.
        let plain = RuntimeMessage.results(slot: 0, records: [record(6, rank: 2)], wantsMore: false).encoded()
        let withNumber = RuntimeMessage.results(slot: 0, records: [record(6, rank: 2, sequence: 3)], wantsMore: false).encoded()
        #expect(withNumber.count == plain.count + 8)
    }

    @Test func nodesAreNumberedByTheirFirstRanks() {
        #expect(NodeNumbers.numbered(firstRanks: [0, 0, 2, 2, 4]) == [0, 0, 1, 1, 2])
        #expect(NodeNumbers.numbered(firstRanks: [0, 1, 0, 1]) == [0, 1, 0, 1])
        #expect(JournalShards.shardName(node: 3, part: 2) == "n0003.p2.jsonl")
        #expect(JournalShards.shardName(node: 12345, part: 1) == "n12345.p1.jsonl")
        #expect(JournalShards.numbers(of: JournalShards.shardName(node: 12345, part: 1))! == (12345, 1))
    }

    /// A full disk under one node's shard: the failure names that shard, the run is told, the
    /// other shard's lines are written, and the successes lost are counted (they run again on resume).
    @Test func aFullDiskUnderOneShardNamesIt() throws {
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let good = directory + "/n0000.p1.jsonl"
        let journal = try NodeShardJournals(
            paths: [good, "/dev/full"], part: 1, nodeOfRank: [0, 1], workload: RawParameters(json: "{}"), startOffset: 0,
            observer: nil)
        let told = Told()
        journal.onFailure { told.set($0) }
        journal.append([record(0, rank: 0, sequence: 1), record(1, rank: 1, sequence: 2)])
        journal.append([record(2, rank: 1, sequence: 3)])
        let failure = journal.close()
        #expect(failure?.error.path == "/dev/full" && failure?.error.code == ENOSPC)
        #expect(failure?.unwrittenSucceeded == 2)
        #expect(told.error?.path == "/dev/full")
        let written = try String(contentsOfFile: good, encoding: .utf8)
        #expect(written.hasPrefix(#"{"index":0,"part":1,"seq":1,"params":{}"#) && written.split(separator: "\n").count == 1)
    }

    /// A run over two nodes writes one shard each, every line with its part and number; a retry
    /// on the other node wins by journal order; a resume on one node writes part 2's shard, and
    /// `mpibatch results` shows each index once.
    @Test func aRunOverTwoNodesWritesAShardEachAndResumesOnOne() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let failing = CountingWorkload(taskCount: 300, retries: 1, failing: [7, 150, 299])
        let (first, lines) = try await runInMemory(failing, ranks: 3, directory: directory, nodeOfRank: [0, 0, 1])
        #expect(first.tasksFailed == 3 && first.tasksSucceeded == 297)
        #expect(!FileManager.default.fileExists(atPath: directory + "/results.jsonl"))
        #expect(try String(contentsOfFile: directory + "/journal/shards", encoding: .utf8) == "n0000.p1.jsonl\nn0001.p1.jsonl\n")
        #expect(lines.count == 303 && lines.allSatisfy { $0["part"] as? Int == 1 && ($0["seq"] as? Int ?? 0) > 0 })
        let node1 = try String(contentsOfFile: directory + "/journal/n0001.p1.jsonl", encoding: .utf8)
        #expect(!node1.isEmpty && node1.split(separator: "\n").allSatisfy { $0.contains(#""rank":2,"#) })
        for index in [7, 150, 299] {
            let attempts = lines.filter { $0["index"] as? Int == index }.sorted { ($0["attempt"] as! Int) < ($1["attempt"] as! Int) }
            #expect(attempts.count == 2 && (attempts[0]["seq"] as! Int) < (attempts[1]["seq"] as! Int))
        }
        // The cause is fixed; the run resumes on one node, one rank.
        let (after, _) = try await runInMemory(
            CountingWorkload(taskCount: 300, retries: 1), ranks: 1, directory: directory, resume: true, nodeOfRank: [0])
        #expect(after.tasksSucceeded == 300 && after.parts.last?.attempts == 3)
        let listed = try String(contentsOfFile: directory + "/journal/shards", encoding: .utf8)
        #expect(listed == "n0000.p1.jsonl\nn0001.p1.jsonl\nn0000.p2.jsonl\n")
        let final = try JournalShardsTests.results(directory)
        #expect(final.map { $0["index"] as? Int } == Array(0..<300))
        #expect(final.allSatisfy { $0["status"] as? String == "ok" })
        #expect([7, 150, 299].map { index in final[index]["part"] as? Int } == [2, 2, 2])
    }

    @Test func aRunOnOneNodeKeepsResultsJsonlAlone() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (summary, lines) = try await runInMemory(CountingWorkload(taskCount: 50), ranks: 2, directory: directory, nodeOfRank: [0, 0])
        #expect(summary.tasksSucceeded == 50 && lines.count == 50)
        #expect(!FileManager.default.fileExists(atPath: directory + "/journal"))
        #expect(lines.allSatisfy { $0["part"] == nil && $0["seq"] == nil })
    }
}
