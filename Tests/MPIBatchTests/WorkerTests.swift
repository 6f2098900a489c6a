import Foundation
import Synchronization
import Testing
@testable import MPIBatchCore
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling

/// Tasks that end at once, except `blocking`, which opens `blockingStarted` and runs until
/// `released` opens.
private struct GatedExecutor: TaskExecutor {
    let taskCount: Int
    let blocking: Int
    let blockingStarted = Gate()
    let released = Gate()

    func run(_ task: TaskContext) async throws -> TaskValue {
        if task.index == blocking {
            blockingStarted.open()
            try await released.wait()
        }
        return .number(Double(task.index))
    }
}

/// Opens once; waiters poll it every millisecond.
private final class Gate: Sendable {
    private let opened = Atomic<Bool>(false)
    func open() { opened.store(true, ordering: .releasing) }
    func wait() async throws {
        while !opened.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(1)) }
    }
    var isOpen: Bool { opened.load(ordering: .acquiring) }
}

/// What a worker sent to its coordinator, with when it arrived (monotonic nanoseconds).
private final class SentMessages: Sendable {
    private let messages = Mutex<[(RuntimeMessage, UInt64)]>([])
    func add(_ message: RuntimeMessage) { messages.withLock { $0.append((message, MonotonicClock.nanoseconds())) } }
    /// Every record sent, in order.
    func records() -> [TaskRecord] {
        messages.withLock { messages in
            messages.flatMap { message, _ -> [TaskRecord] in
                if case .results(_, let records, _) = message { records } else { [] }
            }
        }
    }
    /// The reasons of the interrupts sent.
    func interrupts() -> [String] {
        messages.withLock { messages in
            messages.compactMap { message, _ in
                if case .interrupt(let reason) = message { reason } else { nil }
            }
        }
    }
    /// When the record of task `index` was sent, if it was.
    func sent(index: Int) -> UInt64? {
        messages.withLock { messages in
            messages.first { message, _ in
                if case .results(_, let records, _) = message { records.contains { $0.index == index } } else { false }
            }?.1
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

    /// Issue 23: the first task of a chunk was sent only when the second one ended.
    @Test func aFinishedTaskIsSentWhileTheNextTaskOfItsChunkStillRuns() async throws {
        let executor = GatedExecutor(taskCount: 2, blocking: 1)
        let sent = SentMessages()
        let worker = Worker(
            rank: 0, slots: 1, workload: executor, outputDirectory: temporaryRunDirectory(),
            sendToCoordinator: { sent.add($0) })
        let running = Task { await worker.run(host: "test", heartbeatSeconds: 60) }
        worker.receive(.assign(slot: 0, chunk: Chunk(start: 0, end: 2)))
        // Tests running beside this one may keep the task pool busy for a while: wait for task 1.
        let started = MonotonicClock.nanoseconds()
        while !executor.blockingStarted.isOpen, MonotonicClock.nanoseconds() - started < 300_000_000_000 {
            try await Task.sleep(for: .milliseconds(2))
        }
        // Task 1 runs until released: task 0's record must go out meanwhile, from the flusher's
        // own thread (within the flush interval of its end; the limit leaves a loaded machine room).
        let limit = MonotonicClock.nanoseconds() + 5_000_000_000
        while sent.sent(index: 0) == nil, MonotonicClock.nanoseconds() < limit {
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(sent.sent(index: 0) != nil, "task 0's record was not sent while task 1 ran")
        #expect(sent.sent(index: 1) == nil)
        executor.released.open()
        worker.receive(.stop(graceSeconds: 1))
        await running.value
        #expect(sent.sent(index: 1) != nil)
    }
}

@Suite struct WorkerDeadlineTests {
    /// Issue 23: the tasks of a chunk handed out before the deadline started regardless of it.
    @Test func noTaskOfAChunkStartsThatWouldEndAfterTheDeadline() async throws {
        let sent = SentMessages()
        let deadline = MonotonicClock.seconds() + 0.35
        let worker = Worker(
            rank: 0, slots: 1, workload: CountingWorkload(taskCount: 20, sleepMicroseconds: 100_000),
            outputDirectory: temporaryRunDirectory(), deadline: deadline, sendToCoordinator: { sent.add($0) })
        let created = MonotonicClock.seconds()  // after the worker's epoch: its starts are at most this late
        let running = Task { await worker.run(host: "test", heartbeatSeconds: 60) }
        worker.receive(.assign(slot: 0, chunk: Chunk(start: 0, end: 20)))
        // However late a busy test machine runs the worker, it ends up refusing a task.
        while sent.interrupts().isEmpty, MonotonicClock.seconds() < deadline + 300 { try await Task.sleep(for: .milliseconds(5)) }
        worker.receive(.stop(graceSeconds: 1))
        await running.value
        #expect(sent.interrupts() == [Coordinator.deadlineStopReason])
        let records = sent.records()
        #expect(records.count < 20)
        for record in records {
            // Each started when a task of its measured mean (at least 0.1 s) still fit.
            #expect(created + record.start + 0.1 <= deadline + 0.001, "task \(record.index) started at \(record.start) s")
        }
    }
}
