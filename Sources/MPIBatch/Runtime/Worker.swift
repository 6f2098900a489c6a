import Foundation
import Synchronization

/// Every rank's executor: a pool of `slots` child tasks in a task group. Each
/// slot asks the coordinator for two chunks (one to run, one in hand), and with
/// each finished chunk's results asks for one more, so it never waits for a
/// round trip. On `stop` no new task starts (chunks in hand are dropped unstarted,
/// so a resume runs them); running ones finish and are reported. Under fail-fast a
/// task that fails for good also stops its own rank at once, before `stop` arrives.
/// When some task takes more than one core, every task first takes its cores from
/// the rank's `CorePool` (one token per slot), so a rank never runs more than its
/// slots' worth of cores at once.
final class Worker: Sendable {
    private let rank: Int
    private let workload: any TaskExecutor
    private let failFast: Bool
    private let outputDirectory: String
    private let sendToCoordinator: @Sendable (RuntimeMessage) -> Void
    private let streams: [AsyncStream<Chunk>]
    private let inboxes: [AsyncStream<Chunk>.Continuation]
    private let stopping = Atomic<Bool>(false)
    /// The rank's cores, when a task may take more than one; nil: one per task, no bookkeeping.
    private let cores: CorePool?
    /// Fires at the first `stop` or signal; from then on the grace period runs.
    private let stopped = OneShot()
    /// When running tasks are cancelled (monotonic nanoseconds): the earliest that a
    /// `stop` or a signal asked for.
    private let graceEnds = Mutex<UInt64>(.max)
    /// When this worker began, on the monotonic clock (nanoseconds) and on the wall clock
    /// (Unix seconds), read together: a task's `started_at` is the second plus the monotonic
    /// time since, so it never jumps with the wall clock mid-run. Every rank reads its own
    /// node's clock; ranks on different nodes agree as far as their clocks do (NTP).
    private let epoch = MonotonicClock.nanoseconds()
    private let wallEpoch = Date().timeIntervalSince1970
    /// One per slot: where its command tasks report exit status and output.
    private let reports: [CommandReport]
    /// Under `--slots auto`, which of the slots are active; nil: all of them.
    private let adaptive: AdaptiveSlots?
    /// Cancelled ranges and running tasks, when the workload has an early stop; nil otherwise.
    private let cancellation: EarlyCancellation?

    /// A slot that has been busy this long sends what it has, even mid-chunk, so the
    /// journal keeps pace with the work (and loses little if the run is killed).
    static let flushIntervalNanoseconds: UInt64 = 50_000_000

    init(
        rank: Int, slots: Int, workload: any TaskExecutor, outputDirectory: String, failFast: Bool = false,
        adaptive: AdaptiveSlots? = nil, sendToCoordinator: @escaping @Sendable (RuntimeMessage) -> Void
    ) {
        self.rank = rank
        self.adaptive = adaptive
        self.workload = workload
        self.failFast = failFast
        self.outputDirectory = outputDirectory
        self.sendToCoordinator = sendToCoordinator
        cores = workload.widestTask.cores > 1 ? CorePool(size: max(1, slots)) : nil
        cancellation = workload.stopRules.isEmpty ? nil : EarlyCancellation(slots: slots)
        var streams: [AsyncStream<Chunk>] = []
        var inboxes: [AsyncStream<Chunk>.Continuation] = []
        for _ in 0..<max(1, slots) {
            let (stream, inbox) = AsyncStream<Chunk>.makeStream()
            streams.append(stream)
            inboxes.append(inbox)
        }
        self.streams = streams
        self.inboxes = inboxes
        let log = RankLog(runDirectory: outputDirectory, rank: rank)
        reports = streams.map { _ in CommandReport(log: log) }
    }

    /// Takes a coordinator message (on the transport's thread).
    func receive(_ message: RuntimeMessage) {
        switch message {
        case .assign(let slot, let chunk):
            inboxes[slot].yield(chunk)
        case .stop(let graceSeconds):
            stopStarting(graceSeconds: graceSeconds)
            for inbox in inboxes { inbox.finish() }
        case .cancel(let range):
            cancellation?.cancel(range)
        case .request, .results, .done, .interrupt, .heartbeat:
            break  // coordinator-bound traffic only
        }
    }

    /// A signal reached this rank: start no task from now on (before the coordinator's
    /// `stop` arrives), and cancel running ones after `graceSeconds` at the latest.
    func interrupt(graceSeconds: Double) {
        stopStarting(graceSeconds: graceSeconds)
    }

    private func stopStarting(graceSeconds: Double) {
        let grace = UInt64(max(0, min(graceSeconds, 1e9)) * 1e9)
        let ends = MonotonicClock.nanoseconds() &+ grace
        graceEnds.withLock { $0 = min($0, ends) }
        stopping.store(true, ordering: .releasing)
        stopped.fire()
    }

    /// Runs the pool until `stop`, then tells the coordinator this rank is done.
    /// Tasks still running a grace period after `stop` are cancelled (commands get
    /// SIGTERM, then SIGKILL) and recorded as `interrupted`. Meanwhile a thread of
    /// its own (busy slots cannot starve it) tells the coordinator every
    /// `heartbeatSeconds` that this rank is alive.
    func run(host: String, heartbeatSeconds: Double) async {
        let heartbeat = Heartbeat(every: heartbeatSeconds) { [sendToCoordinator] in
            sendToCoordinator(.heartbeat(host: host))
        }
        defer { heartbeat.stop() }
        enum Ended { case slot, grace, controller }
        await withTaskGroup(of: Ended.self) { group in
            for slot in streams.indices {
                group.addTask {
                    await self.runSlot(slot)
                    return .slot
                }
            }
            if let adaptive = self.adaptive {
                group.addTask {
                    await adaptive.control(cpuSeconds: MonotonicClock.processCPUSeconds)
                    return .controller
                }
            }
            group.addTask {
                await self.stopped.wait()
                // A later signal may shorten the grace period: look again at least every 50 ms.
                while !Task.isCancelled {
                    let now = MonotonicClock.nanoseconds()
                    let ends = self.graceEnds.withLock { $0 }
                    guard now < ends else { break }
                    try? await Task.sleep(nanoseconds: min(ends - now, 50_000_000))
                }
                return .grace
            }
            var slotsRunning = streams.count
            while let ended = await group.next() {
                if ended == .slot { slotsRunning -= 1 }
                if slotsRunning == 0 || ended == .grace { group.cancelAll() }
            }
        }
        sendToCoordinator(.done(RankReport(
            host: host, cpuSeconds: MonotonicClock.processCPUSeconds(), slotsUsed: adaptive?.activeSlots ?? 0,
            slotsNote: adaptive?.summary() ?? "")))
    }

    private func runSlot(_ slot: Int) async {
        if let adaptive, !(await adaptive.waitUntilActive(slot, isStopping: { stopping.load(ordering: .relaxed) })) {
            return
        }
        sendToCoordinator(.request(slot: slot, chunks: 2))
        var records: [TaskRecord] = []
        var lastFlush = MonotonicClock.nanoseconds()
        for await chunk in streams[slot] {
            for index in chunk.start..<chunk.end {
                if stopping.load(ordering: .relaxed) { break }
                if let cancellation, cancellation.isCancelled(index) {
                    records.append(.cancelled(index, attempt: chunk.attempt, rank: rank, slot: slot))
                    continue
                }
                let taken = await takeCores(for: index)
                if stopping.load(ordering: .relaxed) {
                    cores?.release(taken)
                    break
                }
                let started = MonotonicClock.nanoseconds()
                let record = await runTask(index: index, attempt: chunk.attempt, slot: slot, started: started, chunkEnd: chunk.end)
                cores?.release(taken)
                adaptive?.taskFinished()
                records.append(record)
                if failFast, record.failsForGood(retries: workload.retries(of: index)) {
                    // The coordinator will stop every rank; this one starts nothing more meanwhile.
                    stopping.store(true, ordering: .releasing)
                    break
                }
                if started &- lastFlush > Self.flushIntervalNanoseconds, index + 1 < chunk.end {
                    sendToCoordinator(.results(slot: slot, records: records, wantsMore: false))
                    records.removeAll(keepingCapacity: true)
                    lastFlush = started
                }
            }
            let wantsMore = !stopping.load(ordering: .relaxed)
            if wantsMore || !records.isEmpty {
                sendToCoordinator(.results(slot: slot, records: records, wantsMore: wantsMore))
                records.removeAll(keepingCapacity: true)
            }
            lastFlush = MonotonicClock.nanoseconds()
        }
    }

    /// Waits for task `index`'s cores (none to take without a pool); returns how many were taken.
    private func takeCores(for index: Int) async -> Int {
        guard let cores else { return 0 }
        let count = min(max(1, workload.cores(of: index)), cores.size)
        await cores.acquire(count)
        return count
    }

    private func runTask(index: Int, attempt: Int, slot: Int, started: UInt64, chunkEnd: Int) async -> TaskRecord {
        let context = TaskContext(
            index: index, attempt: attempt, rank: rank, slot: slot, outputDirectory: outputDirectory,
            report: reports[slot], batchEnd: chunkEnd)
        var status = TaskStatus.ok
        var value = TaskValue.none
        var error: String?
        // A kernel that does not suspend runs on one thread: its CPU time is that thread's.
        let threadCPU = MonotonicClock.threadCPUNanoseconds()
        do {
            value = try await execute(context)
        } catch let timeout as TaskTimeout {
            status = .timeout
            error = timeout.description
        } catch let failure as WorkerStartFailure {
            // No task can run: the run ends with this one message (resumable once it is fixed).
            status = .interrupted
            error = failure.description
            stopping.store(true, ordering: .releasing)
            sendToCoordinator(.interrupt(reason: failure.description))
        } catch let thrown {
            status = Task.isCancelled ? .interrupted : .failed
            error = Task.isCancelled ? "interrupted: the run was stopped (grace period over)" : String(describing: thrown)
        }
        if cancellation?.end(slot: slot) == true, status != .ok {
            status = .cancelled
            error = "cancelled: its sweep or stage stopped early"
        }
        let ended = MonotonicClock.nanoseconds()
        let command = reports[slot].take()
        let usage =
            command.usage
            ?? TaskUsage(cpuSeconds: Double(MonotonicClock.threadCPUNanoseconds() &- threadCPU) * 1e-9, maxRSSBytes: nil)
        let start = Double(started &- epoch) * 1e-9 + command.setupSeconds  // a worker's start-up is not task time
        return TaskRecord(
            index: index, attempt: attempt, status: status, rank: rank, slot: slot,
            start: start, seconds: max(0, Double(ended &- started) * 1e-9 - command.setupSeconds), value: value,
            error: error, startedAt: wallEpoch + start, exitCode: command.exitCode, signal: command.signal,
            log: command.log, usage: usage)
    }

    /// Runs `context`'s task: inline, or with an early stop in the workload as a task of its
    /// own that a `cancel` message can end (refused with `CancellationError` if already cancelled).
    private func execute(_ context: TaskContext) async throws -> TaskValue {
        guard let cancellation else { return try await workload.run(context).journalForm }
        let workload = workload
        guard let task = cancellation.start(slot: context.slot, index: context.index, { try await workload.run(context).journalForm })
        else { throw CancellationError() }
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }
}
