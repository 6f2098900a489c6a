import Foundation
import Testing
@testable import MPIBatchCore
import MPIBatchJournal
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling

/// Tasks that end at once, except `blocking`, which sets `blockingStarted` and runs until
/// `released` is set.
private struct GatedExecutor: TaskExecutor {
    let taskCount: Int
    let blocking: Int
    let blockingStarted = Watched(false)
    let released = Watched(false)

    func run(_ task: TaskContext) async throws -> TaskValue {
        if task.index == blocking {
            blockingStarted.update { $0 = true }
            await released.wait { $0 }
        }
        return .number(Double(task.index))
    }
}

/// What a worker sent to its coordinator, in order.
private final class SentMessages: Sendable {
    private let messages = Watched<[RuntimeMessage]>([])
    func add(_ message: RuntimeMessage) { messages.update { $0.append(message) } }
    /// Every record sent, in order.
    func records() -> [TaskRecord] { Self.records(in: messages.value) }
    /// The records of each results message, in order (empty ones left out).
    func batches() -> [[TaskRecord]] {
        messages.value.compactMap { message in
            if case .results(_, let records, _) = message, !records.isEmpty { records } else { nil }
        }
    }
    /// The reasons of the interrupts sent.
    func interrupts() -> [String] { Self.interrupts(in: messages.value) }
    /// Whether the record of task `index` was sent.
    func sent(index: Int) -> Bool { records().contains { $0.index == index } }
    /// Returns once the record of task `index` has been sent.
    func waitForRecord(of index: Int) async {
        await messages.wait { Self.records(in: $0).contains { $0.index == index } }
    }
    /// Returns once an interrupt has been sent.
    func waitForInterrupt() async {
        await messages.wait { !Self.interrupts(in: $0).isEmpty }
    }

    private static func records(in messages: [RuntimeMessage]) -> [TaskRecord] {
        messages.flatMap { message -> [TaskRecord] in
            if case .results(_, let records, _) = message { records } else { [] }
        }
    }

    private static func interrupts(in messages: [RuntimeMessage]) -> [String] {
        messages.compactMap { message in
            if case .interrupt(let reason) = message { reason } else { nil }
        }
    }
}

@Suite struct WorkerFlushTests {
    @Test func pendingRecordsAreDueHalfTheFlushIntervalAfterTheOldestEnded() {
        let pending = PendingResults(dueAfterNanoseconds: 25_000_000)
        var sent: [[TaskRecord]] = []
        let first = TaskRecord.cancelled(0, attempt: 1)
        pending.add(first, ended: 1_000_000_000)
        pending.add(.cancelled(1, attempt: 1), ended: 1_020_000_000)
        #expect(!pending.sendIfDue(now: 1_024_999_999) { sent.append($0) })
        #expect(pending.sendIfDue(now: 1_025_000_000) { sent.append($0) })
        #expect(sent.map { $0.map(\.index) } == [[0, 1]])
        // Nothing left: nothing sent, however late; a chunk's end sends even an empty list.
        #expect(!pending.sendIfDue(now: 9_000_000_000) { sent.append($0) })
        pending.sendAll(always: true) { sent.append($0) }
        #expect(sent.map { $0.map(\.index) } == [[0, 1], []])
    }

    /// A slot adds each record and sends what is due under one lock (once per task): the record
    /// just added goes with the ones before it, and nothing goes while none is due or when the
    /// slot says not to look (its chunk's last task, a fail-fast stop).
    @Test func addingARecordSendsWhatIsDueWithIt() {
        let pending = PendingResults(dueAfterNanoseconds: 25_000_000)
        var sent: [[TaskRecord]] = []
        pending.add(.cancelled(0, attempt: 1), ended: 1_000_000_000, sendingIfDue: true) { sent.append($0) }
        pending.add(.cancelled(1, attempt: 1), ended: 1_030_000_000, sendingIfDue: false) { sent.append($0) }
        #expect(sent.isEmpty)
        pending.add(.cancelled(2, attempt: 1), ended: 1_031_000_000, sendingIfDue: true) { sent.append($0) }
        pending.add(.cancelled(3, attempt: 1), ended: 1_032_000_000, sendingIfDue: true) { sent.append($0) }
        #expect(sent.map { $0.map(\.index) } == [[0, 1, 2]])
        pending.sendAll(always: false) { sent.append($0) }
        #expect(sent.map { $0.map(\.index) } == [[0, 1, 2], [3]])
    }

    /// A slot's report hands a command's facts over once; a kernel's task, which records none,
    /// gets none (the worker takes them after every task, so none may linger for the next).
    @Test func aSlotReportHandsFactsOverOnce() {
        let report = CommandReport(log: RankLog(runDirectory: temporaryRunDirectory(), rank: 0))
        #expect(report.take() == CommandReport.Facts())
        let facts = CommandReport.Facts(exitCode: 3, usage: TaskUsage(cpuSeconds: 0.5, maxRSSBytes: 1 << 20), setupSeconds: 0.25)
        report.record(facts)
        #expect(report.take() == facts)
        #expect(report.take() == CommandReport.Facts())
        report.record(CommandReport.Facts(signal: 9))
        report.record(facts)
        #expect(report.take() == facts)
        #expect(report.take() == CommandReport.Facts())
    }

    /// Instant tasks fill a flush interval with tens of thousands of records: a message
    /// carries at most `batchLimit` of them (rank 0 holds each message whole while handling it).
    @Test func pendingRecordsAreDueOnceABatchLimitOfThemWait() {
        let pending = PendingResults(dueAfterNanoseconds: 25_000_000, batchLimit: 3)
        var sent: [[TaskRecord]] = []
        for index in 0..<7 {
            pending.add(.cancelled(index, attempt: 1), ended: 1_000_000_000)
            pending.sendIfDue(now: 1_000_000_001) { sent.append($0) }
        }
        #expect(sent.map { $0.map(\.index) } == [[0, 1, 2], [3, 4, 5]])
        pending.sendAll(always: false) { sent.append($0) }
        #expect(sent.map { $0.map(\.index) } == [[0, 1, 2], [3, 4, 5], [6]])
    }

    /// Issue 23: the first task of a chunk was sent only when the second one ended. (With that
    /// bug this test waits until its time limit and fails.)
    @Test(.timeLimit(.minutes(10))) func aFinishedTaskIsSentWhileTheNextTaskOfItsChunkStillRuns() async throws {
        let executor = GatedExecutor(taskCount: 2, blocking: 1)
        let sent = SentMessages()
        let worker = Worker(
            rank: 0, slots: 1, workload: executor, outputDirectory: temporaryRunDirectory(),
            sendToCoordinator: { sent.add($0) })
        let running = Task { await worker.run(host: "test", heartbeatSeconds: 60) }
        worker.receive(.assign(slot: 0, chunk: Chunk(start: 0, end: 2)))
        await executor.blockingStarted.wait { $0 }
        // Task 1 runs until released: task 0's record must go out meanwhile, from the flusher's
        // own thread.
        await sent.waitForRecord(of: 0)
        #expect(!sent.sent(index: 1))
        executor.released.update { $0 = true }
        worker.receive(.stop(graceSeconds: 1))
        await running.value
        #expect(sent.sent(index: 1))
    }
}

@Suite struct WorkerClockTests {
    /// A slot reads the clock twice per task (its start, and its end, which also dates the
    /// record for the flusher): the records of one message never overlap, and a task never
    /// starts exactly where the one before it ended (`started_at` is to the microsecond, and
    /// back-to-back tasks would seem to overlap in it), sleeping tasks and instant ones alike.
    @Test(.timeLimit(.minutes(10))) func aSlotsTasksFollowOneAnotherWithoutOverlap() async throws {
        for sleep: UInt64 in [0, 300] {
            let sent = SentMessages()
            let worker = Worker(
                rank: 0, slots: 1, workload: CountingWorkload(taskCount: 400, sleepMicroseconds: sleep),
                outputDirectory: temporaryRunDirectory(), sendToCoordinator: { sent.add($0) })
            let running = Task { await worker.run(host: "test", heartbeatSeconds: 60) }
            worker.receive(.assign(slot: 0, chunk: Chunk(start: 0, end: 400)))
            await sent.waitForRecord(of: 399)
            worker.receive(.stop(graceSeconds: 1))
            await running.value
            let batches = sent.batches()
            #expect(batches.joined().map(\.index) == Array(0..<400))
            for records in batches {
                for (before, after) in zip(records, records.dropFirst()) {
                    #expect(after.start > before.start + before.seconds, "task \(after.index), sleeping \(sleep) µs")
                }
            }
        }
    }
}

@Suite struct WorkerDeadlineTests {
    /// Issue 23: the tasks of a chunk handed out before the deadline started regardless of it.
    @Test(.timeLimit(.minutes(10))) func noTaskOfAChunkStartsThatWouldEndAfterTheDeadline() async throws {
        let sent = SentMessages()
        let deadline = MonotonicClock.seconds() + 0.35
        let worker = Worker(
            rank: 0, slots: 1, workload: CountingWorkload(taskCount: 20, sleepMicroseconds: 100_000),
            outputDirectory: temporaryRunDirectory(), deadline: deadline, sendToCoordinator: { sent.add($0) })
        let created = MonotonicClock.seconds()  // after the worker's epoch: its starts are at most this late
        let running = Task { await worker.run(host: "test", heartbeatSeconds: 60) }
        worker.receive(.assign(slot: 0, chunk: Chunk(start: 0, end: 20)))
        // However late a busy test machine runs the worker, it ends up refusing a task.
        await sent.waitForInterrupt()
        worker.receive(.stop(graceSeconds: 1))
        await running.value
        #expect(sent.interrupts() == [Coordinator.deadlineStopReason])
        let records = sent.records().sorted { $0.start < $1.start }
        #expect(records.count < 20)
        // The first task starts with no mean to go by (before the deadline, however late a busy
        // machine runs it: 0.3 s after the worker's creation has been seen); each later one
        // when a task of the measured mean (at least 0.1 s) still fit.
        for (order, record) in records.enumerated() {
            let needed = order == 0 ? 0 : 0.1
            #expect(created + record.start + needed <= deadline + 0.001, "task \(record.index) started at \(record.start) s")
        }
    }
}
