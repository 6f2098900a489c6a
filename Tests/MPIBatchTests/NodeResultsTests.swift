import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchLaunch
@testable import MPIBatchReporting
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling

/// What rank 0 gets of another node's results: per slot, its successes counted and only the
/// attempts it needs one by one, once per chunk that ends (and with the writer's heartbeat for
/// what waits), never a message or a record per task of a plain sweep.
@Suite struct NodeResultsTests {
    private func record(_ index: Int, rank: Int = 2, slot: Int = 0, status: TaskStatus = .ok, attempt: Int = 1) -> TaskRecord {
        var record = TaskRecord(
            index: index, attempt: attempt, status: status, rank: rank, slot: slot, start: 5, seconds: 0.5,
            value: .number(Double(index)), error: status == .ok ? nil : "boom", usage: TaskUsage(cpuSeconds: 0.1, maxRSSBytes: index))
        record.sequence = 3
        return record
    }

    @Test func successesAreCountedUntilTheChunkEnds() {
        var results = NodeResults(keepsValues: false, cores: { $0 == 1 ? 4 : 1 })
        #expect(results.take([record(0), record(1)], slot: 0, wantsMore: false, from: 2, at: 0).isEmpty)
        #expect(results.take([record(9, rank: 3)], slot: 1, wantsMore: false, from: 3, at: 0).isEmpty)
        let due = results.take([record(2)], slot: 0, wantsMore: true, from: 2, at: 0)
        #expect(due.count == 1 && due[0].records.isEmpty && due[0].wantsMore && due[0].rank == 2 && due[0].slot == 0)
        let run = due[0].succeeded
        #expect(run.count == 3 && run.lastIndex == 2 && run.seconds == 1.5 && run.coreSeconds == 3 && run.maxRSSBytes == 2)
        // What waits (rank 3's slot 1) goes with a heartbeat once it has waited long, or before another message.
        #expect(results.takeOverdue(at: NodeResults.longestWaitSeconds - 0.1).isEmpty)
        let waiting = results.takeOverdue(at: NodeResults.longestWaitSeconds)
        #expect(waiting.map(\.succeeded.count) == [1] && waiting.map(\.rank) == [3] && !waiting[0].wantsMore && results.isEmpty)
    }

    /// A failure goes at once, after the successes before it; one after it starts the next outcome.
    @Test func anAttemptRankZeroNeedsGoesAtOnceInTheSlotsOrder() {
        var results = NodeResults(keepsValues: false, cores: { _ in 1 })
        let due = results.take([record(0), record(1, status: .failed), record(2)], slot: 0, wantsMore: false, from: 2, at: 0)
        #expect(due.count == 1 && due[0].succeeded.count == 1 && due[0].succeeded.lastIndex == 0)
        #expect(due[0].records.map(\.index) == [1] && due[0].records[0].error == "boom" && due[0].records[0].start == 0)
        #expect(due[0].records[0].sequence == 0 && due[0].records[0].value == .none)
        #expect(results.takeAll().map(\.succeeded.lastIndex) == [2])
    }

    /// A reducer, an early stop or a stage graph folds values: every attempt goes, with its value.
    @Test func valuesRankZeroFoldsGoWithEveryAttempt() {
        var results = NodeResults(keepsValues: true, cores: { _ in 1 })
        let due = results.take([record(0), record(1)], slot: 1, wantsMore: false, from: 2, at: 0)
        #expect(due.count == 1 && due[0].succeeded.count == 0 && due[0].records.map(\.value) == [.number(0), .number(1)])
    }

    @Test func outcomesTravelWhole() throws {
        var outcome = SlotOutcome(rank: 7, slot: 3)
        outcome.succeeded.add(record(4, rank: 7, slot: 3), cores: 2)
        var gpu = record(5, rank: 7, slot: 3)
        gpu.gpus = "0,1"
        outcome.succeeded.add(gpu, cores: 1)
        outcome.records = [record(6, rank: 7, slot: 3, status: .timeout).forRankZero(keepingValue: false)]
        outcome.wantsMore = true
        #expect(outcome.succeeded.gpuSeconds == 1 && outcome.succeeded.coreSeconds == 1.5)
        let message = RuntimeMessage.finished([outcome, SlotOutcome(rank: 8, slot: 0)])
        #expect(try RuntimeMessage(decoding: message.encoded(), from: 4) == message)
        var bytes = message.encoded()
        bytes.removeLast()
        #expect(throws: MessageDecodingError.self) { try RuntimeMessage(decoding: bytes, from: 4) }
    }

    /// Rank 0 takes a slot's counted successes as that many of the tasks it held, serves its
    /// request, queues a failure's retry, and keeps none of them per task.
    @Test func theCoordinatorTakesCountedSuccesses() {
        var coordinator = Coordinator(
            source: IndexDispenser(policy: .dynamic, taskCount: 400, totalSlots: 2), retries: { _ in 1 }, failFast: false,
            slotsPerRank: [1, 1], reducer: nil, numbersDispatches: true)
        let handed = coordinator.handle(.relayed(from: 1, .request(slot: 0, chunks: 1)), from: 1).compactMap { action -> Chunk? in
            if case .send(.assign(_, let chunk), to: 1) = action { chunk } else { nil }
        }
        #expect(handed.count == 1 && handed[0].count > 2)
        var results = NodeResults(keepsValues: false, cores: { _ in 1 })
        let chunk = handed[0]
        let records = (chunk.start..<chunk.end).map { record($0, rank: 1, status: $0 == chunk.start + 1 ? .failed : .ok) }
        var outcomes = results.take(Array(records.dropLast()), slot: 0, wantsMore: false, from: 1, at: 0)
        outcomes += results.take([records.last!], slot: 0, wantsMore: true, from: 1, at: 0)
        let actions = coordinator.handle(.finished(outcomes), from: 1)
        #expect(coordinator.succeeded == chunk.count - 1 && coordinator.failed == 0)
        let sent = actions.compactMap { action -> Chunk? in if case .send(.assign(_, let chunk), to: 1) = action { chunk } else { nil } }
        #expect(sent.first == Chunk(start: chunk.start + 1, end: chunk.start + 2, attempt: 2, sequence: 2))
        let counted = actions.compactMap { action -> Int? in if case .tallySucceeded(let run) = action { run.count } else { nil } }
        #expect(counted.reduce(0, +) == chunk.count - 1)
        #expect(coordinator.busySlots().map(\.index) == [chunk.start + 1])
        // More successes than the slot holds is impossible: counted, not taken.
        coordinator.impossibleMessages.traps = false
        var tooMany = SlotOutcome(rank: 1, slot: 0)
        tooMany.succeeded.count = 5
        _ = coordinator.handle(.finished([tooMany]), from: 1)
        #expect(coordinator.impossibleMessages.count == 1 && coordinator.succeeded == chunk.count - 1)
    }

    /// A writer whose node's slots report many flushes of successes sends rank 0 one message per
    /// chunk that ends, however many tasks and flushes it held: never one per task or per flush.
    @Test func aWriterSendsOneMessagePerChunkNotPerTask() throws {
        let (network, heard, writer, directory) = try listenedWriter(ranks: 3)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let transport = network.endpoints[1]
        // Rank 2's slot 0 runs a chunk of 1,000 tasks in 100 flushes; the chunk's end asks for more.
        for flush in 0..<100 {
            let records = (flush * 10..<flush * 10 + 10).map { record($0, rank: 2) }
            network.endpoints[2].send(RuntimeMessage.results(slot: 0, records: records, wantsMore: flush == 99).encoded(), to: 1)
        }
        network.endpoints[2].send(RuntimeMessage.results(slot: 1, records: [record(1000, rank: 2, slot: 1)], wantsMore: false).encoded(), to: 1)
        network.endpoints[2].send(RuntimeMessage.done(RankReport(host: "n1", cpuSeconds: 0)).encoded(), to: 1)
        #expect(heard.wait(for: 1, where: { if case .relayed(2, .done) = $0 { true } else { false } }))
        let messages = heard.messages
        #expect(messages.count == 3, "\(messages.count) messages")
        guard case .finished(let chunkEnd) = messages[0], case .finished(let waiting) = messages[1] else {
            Issue.record("the chunk's end, then what waited before rank 2's done: \(messages.map { "\($0)".prefix(60) })")
            return
        }
        #expect(chunkEnd.map(\.succeeded.count) == [1000] && chunkEnd.map(\.succeeded.lastIndex) == [999] && chunkEnd[0].wantsMore)
        #expect(waiting.map(\.slot) == [1] && waiting.map(\.succeeded.count) == [1])
        transport.post { writer.handle(.done(RankReport(host: "n1", cpuSeconds: 0)), from: 1) }
        #expect(heard.wait(for: 1, where: { $0 == .done(RankReport(host: "n1", cpuSeconds: 0)) }))
        transport.stop()
        network.endpoints[0].stop()
    }

    /// A run over two nodes gives the summary the figures a run on one gives: tasks and busy time
    /// per rank and slot, attempts, task seconds, the failures by name.
    @Test func aRunOverTwoNodesSumsUpAsOnOne() async throws {
        let workload = CountingWorkload(taskCount: 600, retries: 1, failing: [7, 450], sleepMicroseconds: 100)
        let (spread, _) = try await runInMemory(workload, ranks: 4, nodeOfRank: [0, 0, 1, 1])
        let (single, _) = try await runInMemory(workload, ranks: 4, nodeOfRank: [0, 0, 0, 0])
        for summary in [spread, single] {
            #expect(summary.tasksSucceeded == 598 && summary.tasksFailed == 2 && summary.attempts == 602)
            #expect(summary.ranks.map(\.tasks).reduce(0, +) == 602 && summary.slots.map(\.tasks).reduce(0, +) == 602)
            #expect(summary.failures.map(\.index).sorted() == [7, 450] && summary.failures.allSatisfy { $0.attempt == 2 })
            let busy = summary.ranks.map(\.busySeconds).reduce(0, +)
            #expect(busy > 0 && abs(busy - summary.taskSeconds) < 1e-6)
        }
        #expect(spread.ranks[2].tasks + spread.ranks[3].tasks > 0)
    }
}
