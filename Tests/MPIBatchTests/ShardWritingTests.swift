import Foundation
import Synchronization
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

    /// A node's heartbeats reach rank 0 as one message per period: its writer's own beat with
    /// the ranks of its node that beat since (each once); once the writer's worker is done (its
    /// beats stop), each as it comes. It answers each peer's beat (`heard`).
    @Test func aNodesHeartbeatsGoAsOneMessagePerPeriod() throws {
        let (network, heard, writer, directory) = try listenedWriter(ranks: 4)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let transport = network.endpoints[1]
        let answers = [Heard(), Heard()]
        for peer in [2, 3] {
            network.endpoints[peer].start { source, bytes in answers[peer - 2].add(try! RuntimeMessage(decoding: bytes, from: source)) }
        }
        let beat = RuntimeMessage.heartbeat(host: "n1").encoded()
        for peer in [3, 2, 3] { network.endpoints[peer].send(beat, to: 1) }
        transport.post { writer.handle(.heartbeat(host: "n1"), from: 1) }  // after the peers' (one queue)
        let isBeat: (RuntimeMessage) -> Bool = { if case .heartbeats = $0 { true } else { false } }
        #expect(heard.wait(for: 1, where: isBeat))
        transport.post { writer.handle(.done(RankReport(host: "n1", cpuSeconds: 0)), from: 1) }
        network.endpoints[2].send(beat, to: 1)
        #expect(heard.wait(for: 2, where: isBeat))
        #expect(heard.messages == [.heartbeats(host: "n1", ranks: [1, 2, 3]), .heartbeats(host: "n1", ranks: [2])])
        #expect(answers[0].wait(for: 2, where: { $0 == .heard }) && answers[1].wait(for: 2, where: { $0 == .heard }))
        #expect(try RuntimeMessage(decoding: RuntimeMessage.heard.encoded(), from: 1) == .heard)
        for peer in [2, 3] { network.endpoints[peer].send(RuntimeMessage.done(RankReport(host: "n1", cpuSeconds: 0)).encoded(), to: 1) }
        #expect(heard.wait(for: 1, where: { $0 == .done(RankReport(host: "n1", cpuSeconds: 0)) }))
        let encoded = RuntimeMessage.heartbeats(host: "n1", ranks: [4, 5, 7])
        #expect(try RuntimeMessage(decoding: encoded.encoded(), from: 4) == encoded)
        transport.stop()
        for endpoint in [0, 2, 3] { network.endpoints[endpoint].stop() }
    }

    /// A rank beats to its writer alone while the writer answers; a beat that goes out with the
    /// last one unanswered (a hung or stopped writer) goes to rank 0 as well, until an answer comes.
    @Test func aRankBeatsToRankZeroWhileItsWriterIsSilent() {
        let watch = WriterWatch()
        #expect(!watch.beatsToRankZero())  // the first: nothing unanswered
        watch.heard()
        #expect(!watch.beatsToRankZero())
        #expect(watch.beatsToRankZero() && watch.beatsToRankZero())  // unanswered: rank 0 hears it too
        watch.heard()
        #expect(!watch.beatsToRankZero())
    }

    @Test func relayedMessagesTravelWithTheirRank() throws {
        let relayed = RuntimeMessage.relayed(from: 5, .results(slot: 0, records: [record(3, rank: 5, sequence: 9)], wantsMore: true))
        #expect(try RuntimeMessage(decoding: relayed.encoded(), from: 4) == relayed)
        let done = RuntimeMessage.done(RankReport(host: "n2", cpuSeconds: 1, shardFailure: "full", unwrittenSucceeded: 7))
        #expect(try RuntimeMessage(decoding: done.encoded(), from: 4) == done)
        #expect(try RuntimeMessage(decoding: RuntimeMessage.abort(reason: "journal: x").encoded(), from: 4) == .abort(reason: "journal: x"))
        let twice = RuntimeMessage.relayed(from: 1, .relayed(from: 2, .heartbeat(host: "a"))).encoded()
        #expect(throws: MessageDecodingError.self) { try RuntimeMessage(decoding: twice, from: 0) }
    }

    /// Rank 0 journals none of a relayed result (its node's writer did: a tally only), gives up
    /// on no rank whose messages come relayed, and stops at once on a writer's `abort`.
    @Test func theCoordinatorTalliesRelayedResultsAndStopsOnAnAbort() {
        var coordinator = Coordinator(
            source: IndexDispenser(policy: .dynamic, taskCount: 400, totalSlots: 2), retries: { _ in 0 }, failFast: false,
            slotsPerRank: [1, 1], reducer: nil, numbersDispatches: true)
        let handed = assigned(coordinator.handle(.relayed(from: 1, .request(slot: 0, chunks: 1)), from: 1))
        let records = (handed[0].start..<handed[0].end).map { record($0, rank: 1, sequence: 1) }
        let actions = coordinator.handle(.relayed(from: 1, .results(slot: 0, records: records, wantsMore: false)), from: 1)
        #expect(recorded(actions).isEmpty && actions.contains(.tally(records)) && coordinator.succeeded == records.count)
        coordinator.impossibleMessages.traps = false
        _ = coordinator.handle(.relayed(from: 9, .heartbeat(host: "x")), from: 1)
        #expect(coordinator.impossibleMessages.count == 1)
        let stopped = coordinator.handle(.abort(reason: "journal: n0001.p1.jsonl: full"), from: 1)
        #expect(stopped.contains(.send(.stop(graceSeconds: 0), to: 0)) && coordinator.stopReason == "journal: n0001.p1.jsonl: full")
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

    /// A full disk under one node's shard: its writer cuts the shard back to its last whole line,
    /// tells rank 0 at once (`abort`, naming the shard), still tells it every result, and says in
    /// its `done`, held until its node's other rank said its own, how many successes it left
    /// unwritten (they run again on resume).
    @Test func aFullDiskUnderOneShardStopsTheRunNamingIt() throws {
        let (network, heard, writer, _) = try listenedWriter(ranks: 3, shard: "/dev/full")
        let transport = network.endpoints[1]
        transport.post { writer.handle(.results(slot: 0, records: [self.record(0, rank: 1, sequence: 1)], wantsMore: true), from: 1) }
        network.endpoints[2].send(
            RuntimeMessage.results(slot: 0, records: [record(1, rank: 2, sequence: 2), record(2, rank: 2, status: .failed, sequence: 2)],
                wantsMore: false).encoded(), to: 1)
        transport.post { writer.handle(.done(RankReport(host: "n1", cpuSeconds: 1)), from: 1) }
        #expect(heard.wait(for: 2, where: { if case .finished = $0 { true } else { false } }))
        #expect(heard.messages.contains { if case .done = $0 { true } else { false } } == false)  // rank 2 has not said done
        network.endpoints[2].send(RuntimeMessage.done(RankReport(host: "n1", cpuSeconds: 2)).encoded(), to: 1)
        #expect(heard.wait(for: 1, where: { if case .done = $0 { true } else { false } }))
        let messages = heard.messages
        let aborts = messages.compactMap { if case .abort(let reason) = $0 { reason } else { nil } }
        #expect(aborts.count == 1 && aborts[0].contains("/dev/full") && aborts[0].hasPrefix("journal: "))
        guard case .done(let report) = messages.last else { Issue.record("the writer's done comes last"); return }
        #expect(report.shardFailure.contains("/dev/full") && report.unwrittenSucceeded == 2 && report.cpuSeconds == 1)
        #expect(messages.contains(.relayed(from: 2, .done(RankReport(host: "n1", cpuSeconds: 2)))))
        // What rank 0 got of the results: the successes counted; of the failure, no start, log or
        // sequence, its error kept.
        let outcomes = messages.flatMap { message -> [SlotOutcome] in if case .finished(let outcomes) = message { outcomes } else { [] } }
        #expect(outcomes.map(\.rank) == [1, 2] && outcomes.map(\.succeeded.count) == [1, 1] && outcomes.map(\.wantsMore) == [true, false])
        #expect(outcomes.map(\.succeeded.lastIndex) == [0, 1])
        let failures = outcomes.flatMap(\.records)
        #expect(failures.map(\.index) == [2] && failures.map(\.rank) == [2] && failures.map(\.error) == ["boom"])
        #expect(failures.allSatisfy { $0.sequence == 0 && $0.value == .none && $0.start == 0 })
        transport.stop()
        network.endpoints[0].stop()
    }

    /// A run over two nodes writes one shard each, every line with its part and number; a retry
    /// on the other node wins by journal order; a resume on one node writes part 2's shard, and
    /// `mpibatch results` shows each index once.
    @Test func aRunOverTwoNodesWritesAShardEachAndResumesOnOne() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let failing = CountingWorkload(taskCount: 300, retries: 1, failing: [7, 150, 299])
        let (first, lines) = try await runInMemory(failing, ranks: 4, directory: directory, nodeOfRank: [0, 0, 1, 1])
        #expect(first.tasksFailed == 3 && first.tasksSucceeded == 297)
        #expect(!FileManager.default.fileExists(atPath: directory + "/results.jsonl"))
        #expect(try String(contentsOfFile: directory + "/journal/shards", encoding: .utf8) == "n0000.p1.jsonl\nn0001.p1.jsonl\n")
        #expect(lines.count == 303 && lines.allSatisfy { $0["part"] as? Int == 1 && ($0["seq"] as? Int ?? 0) > 0 })
        let node1 = try String(contentsOfFile: directory + "/journal/n0001.p1.jsonl", encoding: .utf8)
        // Node 1's lines, written by its writer (rank 2), are its two ranks' and no other's.
        let ranks = Set(node1.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .map { $0["rank"] as! Int })
        #expect(ranks == [2, 3])
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

    /// A node whose shard cannot be written (here not even opened: a directory stands where it
    /// goes) stops the run, which names it and counts none of the node's lost successes; the
    /// shard gone, `--resume` is an error naming it, and `--resume --force` runs again exactly
    /// the tasks without a line.
    @Test func aShardThatCannotBeWrittenStopsTheRunAndItsLossIsResumedExactly() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shard = directory + "/journal/n0001.p1.jsonl"
        let workload = CountingWorkload(taskCount: 400, sleepMicroseconds: 200)
        let (first, lines) = try await runInMemory(
            workload, ranks: 4, directory: directory, nodeOfRank: [0, 0, 1, 1],
            beforeRun: {
                try FileManager.default.removeItem(atPath: shard)
                try FileManager.default.createDirectory(atPath: shard, withIntermediateDirectories: false)
            },
            afterRun: {
                try FileManager.default.removeItem(atPath: shard)
                FileManager.default.createFile(atPath: shard, contents: nil)  // empty, as its node wrote nothing
            })
        #expect(first.journalFailure?.contains(shard) == true && first.stopReason?.contains(shard) == true)
        let succeeded = Set(lines.filter { $0["status"] as? String == "ok" }.map { $0["index"] as! Int })
        #expect(lines.allSatisfy { [0, 1].contains($0["rank"] as! Int) } && first.tasksSucceeded == succeeded.count)
        try FileManager.default.removeItem(atPath: shard)  // then deleted by hand
        #expect(throws: RunFileError.self) {
            _ = try PreparedRun.prepare(
                configuration: RunConfiguration(name: "test", outputDirectory: directory, behaviour: RunBehaviour(resume: true)),
                jobHash: "test", job: workload, taskCount: 400, keepValues: false)
        }
        let (after, _) = try await runInMemory(
            CountingWorkload(taskCount: 400), ranks: 1, directory: directory, resume: true, force: true, nodeOfRank: [0])
        #expect(after.tasksSucceeded == 400 && after.parts.last?.attempts == 400 - succeeded.count)
        #expect(try JournalShardsTests.results(directory).map { $0["index"] as? Int } == Array(0..<400))
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

/// An in-memory network of `ranks` ranks whose rank 1 is the writer of `shard` (by default in a
/// fresh directory, returned) for the ranks after it (a plain sweep's: no values), and what rank
/// 0 heard of it.
func listenedWriter(ranks: Int, shard given: String? = nil) throws -> (InMemoryNetwork, Heard, NodeWriter, directory: String) {
    let directory = temporaryRunDirectory()
    if given == nil { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
    let shard = given ?? directory + "/n0001.p1.jsonl"
    let network = InMemoryNetwork(size: ranks)
    let heard = Heard()
    network.endpoints[0].start { source, bytes in heard.add(try! RuntimeMessage(decoding: bytes, from: source)) }
    let transport = network.endpoints[1]
    let writer = NodeWriter(
        rank: 1, peers: ranks - 2, shard: shard, part: 1, startOffset: 0, workload: RawParameters(json: "{}"), keepsValues: false,
        cores: { _ in 1 }, transport: transport)
    transport.start { source, bytes in writer.handle(try! RuntimeMessage(decoding: bytes, from: source), from: source) }
    return (network, heard, writer, directory)
}

/// The messages one endpoint heard, in order, for a test to wait on.
final class Heard: Sendable {
    private let heard = Mutex<[RuntimeMessage]>([])

    func add(_ message: RuntimeMessage) { heard.withLock { $0.append(message) } }

    var messages: [RuntimeMessage] { heard.withLock { $0 } }

    /// Waits up to 10 s until `count` messages heard satisfy `wanted`; whether they came.
    func wait(for count: Int, where wanted: (RuntimeMessage) -> Bool) -> Bool {
        for _ in 0..<1000 {
            if messages.count(where: wanted) >= count { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }
}
