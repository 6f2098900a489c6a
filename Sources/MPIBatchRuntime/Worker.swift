import Foundation
import MPIBatchCore
import MPIBatchJournal
import MPIBatchScheduling
import Synchronization

/// Every rank's executor: a pool of `slots` child tasks in a task group. Each
/// slot asks the coordinator for two chunks (one to run, one in hand), and with
/// each finished chunk's results asks for one more, so it never waits for a
/// round trip. On `stop` no new task starts (chunks in hand are dropped unstarted,
/// so a resume runs them); running ones finish and are reported. Under fail-fast a
/// task that fails for good also stops its own rank at once, before `stop` arrives.
/// When some task takes more than one core, every task first takes its cores from
/// the rank's `CorePool` (one token per slot), so a rank never runs more than its
/// slots' worth of cores at once. A task that asks for GPUs or memory then waits for them in
/// its node's `NodeLedger` (shared with the node's other ranks). With a deadline, no slot starts a task that would not
/// end by then at the rank's mean task time so far, whatever its chunk holds: the first to
/// refuse stops the rank and asks the coordinator to stop the run.
package final class Worker: Sendable {
    private let rank: Int
    private let workload: any TaskExecutor
    /// The workload, when its tasks may report their own usage (`ReportsOwnUsage`).
    private let ownUsage: (any ReportsOwnUsage)?
    private let failFast: Bool
    private let outputDirectory: String
    private let sendToCoordinator: @Sendable (RuntimeMessage) -> Void
    private let streams: [AsyncStream<Chunk>]
    private let inboxes: [AsyncStream<Chunk>.Continuation]
    private let stopping = Atomic<Bool>(false)
    /// The rank's cores, when a task may take more than one or tasks are pinned (`--bind
    /// cores`: the tokens are CPUs); nil: one per task, no bookkeeping.
    private let cores: CorePool?
    /// The node's GPUs and memory, when some task asks for them; nil: no task touches them.
    private let ledger: NodeLedger?
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
    /// Cancelled ranges and running tasks (early stops, `mpibatch cancel`).
    private let cancellation: EarlyCancellation
    /// Until when no task starts (monotonic nanoseconds; 0: no hold): see `hold(seconds:)`.
    private let heldUntil = Atomic<UInt64>(0)
    /// When the run must end (monotonic nanoseconds), if it has a deadline.
    private let deadline: UInt64?
    /// The tasks this rank finished and their total time (nanoseconds), for the deadline.
    private let taskTimes = Mutex<(count: UInt64, nanoseconds: UInt64)>((0, 0))

    /// One per slot: the records it finished and has not yet sent.
    private let pending: [PendingResults]

    /// A finished task's record is sent within this time of its end, even mid-chunk and
    /// however long the next task runs, so the journal keeps pace with the work (and a
    /// killed run loses no finished task older than this).
    static let flushIntervalNanoseconds: UInt64 = 50_000_000

    package init(
        rank: Int, slots: Int, workload: any TaskExecutor, outputDirectory: String, failFast: Bool = false,
        deadline: Double? = nil, adaptive: AdaptiveSlots? = nil, boundCPUs: [Int]? = nil, ledger: NodeLedger? = nil,
        sendToCoordinator: @escaping @Sendable (RuntimeMessage) -> Void
    ) {
        self.rank = rank
        self.deadline = deadline.map { UInt64(max(0, min($0, 1e9)) * 1e9) }
        self.adaptive = adaptive
        self.ledger = workload.largestResources.asksNothing ? nil : ledger
        self.workload = workload
        ownUsage = workload as? any ReportsOwnUsage
        self.failFast = failFast
        self.outputDirectory = outputDirectory
        self.sendToCoordinator = sendToCoordinator
        if let boundCPUs, !boundCPUs.isEmpty {
            cores = CorePool(cpus: boundCPUs)
        } else {
            cores = workload.widestTask.cores > 1 ? CorePool(size: max(1, slots)) : nil
        }
        cancellation = EarlyCancellation(slots: slots, always: !workload.stopRules.isEmpty)
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
        pending = streams.map { _ in PendingResults(dueAfterNanoseconds: Self.flushIntervalNanoseconds / 2) }
    }

    /// Takes a coordinator message (on the transport's thread).
    package func receive(_ message: RuntimeMessage) {
        switch message {
        case .assign(let slot, let chunk):
            inboxes[slot].yield(chunk)
        case .stop(let graceSeconds):
            stopStarting(graceSeconds: graceSeconds)
            for inbox in inboxes { inbox.finish() }
        case .cancel(let range, let byUser):
            cancellation.cancel(range, reason: byUser ? TaskRecord.cancelledByUser : TaskRecord.cancelledByEarlyStop)
        case .request, .results, .done, .interrupt, .heartbeat, .heartbeats, .relayed, .abort, .finished, .heard:
            break  // coordinator-bound traffic only
        }
    }

    /// A signal reached this rank: start no task from now on (before the coordinator's
    /// `stop` arrives), and cancel running ones after `graceSeconds` at the latest.
    package func interrupt(graceSeconds: Double) {
        stopStarting(graceSeconds: graceSeconds)
    }

    /// Starts no task for `seconds` (a stop meanwhile ends the wait): the first sign of a
    /// Ctrl-C under `mpirun`, whose SIGTERM follows 1 s later.
    package func hold(seconds: Double) {
        heldUntil.store(MonotonicClock.nanoseconds() &+ UInt64(max(0, min(seconds, 1e6)) * 1e9), ordering: .releasing)
    }

    /// Returns once no hold is in force or the worker is stopping.
    private func waitWhileHeld() async {
        while !stopping.load(ordering: .relaxed), MonotonicClock.nanoseconds() < heldUntil.load(ordering: .acquiring) {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
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
    /// `heartbeatSeconds` that this rank is alive, and another sends the records that
    /// have waited half the flush interval (it looks as often).
    package func run(host: String, heartbeatSeconds: Double) async {
        let heartbeat = Heartbeat(every: heartbeatSeconds) { [sendToCoordinator] in
            sendToCoordinator(.heartbeat(host: host))
        }
        defer { heartbeat.stop() }
        let flusher = BackgroundLoop(name: "mpibatch-flush") { [self] loop in
            while !loop.isStopping {
                loop.wait(seconds: Double(Self.flushIntervalNanoseconds / 2) * 1e-9)
                let now = MonotonicClock.nanoseconds()
                for slot in pending.indices {
                    pending[slot].sendIfDue(now: now) { sendToCoordinator(.results(slot: slot, records: $0, wantsMore: false)) }
                }
            }
        }
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
        flusher.stopAndJoin()  // every slot has sent all it had: `done` comes after the last record
        sendToCoordinator(.done(RankReport(
            host: host, cpuSeconds: MonotonicClock.processCPUSeconds(), slotsUsed: adaptive?.activeSlots ?? 0,
            slotsNote: adaptive?.summary() ?? "")))
    }

    private func runSlot(_ slot: Int) async {
        if let adaptive, !(await adaptive.waitUntilActive(slot, isStopping: { stopping.load(ordering: .relaxed) })) {
            return
        }
        if stopping.load(ordering: .relaxed) { return }
        await awaitWorker(slot)
        if stopping.load(ordering: .relaxed) { return }
        sendToCoordinator(.request(slot: slot, chunks: 2))
        let pending = pending[slot]
        var cpuClock = CPUClockSampler()
        for await chunk in streams[slot] {
            for index in chunk.start..<chunk.end {
                if heldUntil.load(ordering: .relaxed) != 0 { await waitWhileHeld() }
                if stopping.load(ordering: .relaxed) { break }
                if let reason = cancellation.reason(cancelling: index) {
                    pending.add(
                        .cancelled(index, attempt: chunk.attempt, rank: rank, slot: slot, sequence: chunk.sequence, reason: reason),
                        ended: MonotonicClock.nanoseconds())
                    continue
                }
                let taken = cores == nil ? (count: 0, cpus: []) : await takeCores(for: index)
                let grant = ledger == nil ? nil : await takeResources(for: index)
                if stopping.load(ordering: .relaxed) {
                    cores?.release(taken.count, cpus: taken.cpus)
                    if let grant { ledger?.release(grant) }
                    break
                }
                // Two clock reads per task, this and its end (`runTask`'s). A task does not start
                // at the previous one's end: `started_at` is to the microsecond, and back-to-back
                // tasks would seem to overlap in it.
                let started = MonotonicClock.nanoseconds()
                if let deadline, !fitsBefore(deadline, now: started) {
                    cores?.release(taken.count, cpus: taken.cpus)
                    if let grant { ledger?.release(grant) }
                    stopAtDeadline()
                    break
                }
                var (record, ended) = await runTask(
                    index: index, attempt: chunk.attempt, slot: slot, started: started, chunkEnd: chunk.end, cpus: taken.cpus,
                    grant: grant, cpuClock: &cpuClock)
                record.sequence = chunk.sequence
                cancellation.taskTook(nanoseconds: ended &- started)
                if deadline != nil { taskTimes.withLock { $0 = ($0.count + 1, $0.nanoseconds &+ (ended &- started)) } }
                cores?.release(taken.count, cpus: taken.cpus)
                if let grant { ledger?.release(grant) }
                adaptive?.taskFinished()
                let failsForGood = failFast && record.failsForGood(retries: workload.retries(of: index))
                // With more of the chunk to run, what waited long enough goes now (under the same lock).
                pending.add(record, ended: ended, sendingIfDue: !failsForGood && index + 1 < chunk.end) {
                    sendToCoordinator(.results(slot: slot, records: $0, wantsMore: false))
                }
                if failsForGood {
                    // The coordinator will stop every rank; this one starts nothing more meanwhile.
                    stopping.store(true, ordering: .releasing)
                    break
                }
            }
            let wantsMore = !stopping.load(ordering: .relaxed)
            pending.sendAll(always: wantsMore) { sendToCoordinator(.results(slot: slot, records: $0, wantsMore: wantsMore)) }
        }
    }

    /// Waits for slot `slot`'s worker to start (`TaskExecutor.awaitWorker`): a slot whose worker
    /// is still starting asks for nothing the other slots could run meanwhile. A stop ends the
    /// wait (the start is cancelled): a run whose work is done without that worker does not wait for it.
    private func awaitWorker(_ slot: Int) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.workload.awaitWorker(rank: self.rank, slot: slot, outputDirectory: self.outputDirectory) }
            group.addTask {
                while !self.stopping.load(ordering: .relaxed), !Task.isCancelled { try? await Task.sleep(nanoseconds: 10_000_000) }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Whether a task started at `now` would end by `deadline` at this rank's mean task time
    /// so far (before any task ended: whether `now` is before it).
    private func fitsBefore(_ deadline: UInt64, now: UInt64) -> Bool {
        let mean = taskTimes.withLock { $0.count == 0 ? 0 : $0.nanoseconds / $0.count }
        return now <= deadline && deadline - now >= mean
    }

    /// No time is left for another task: this rank starts none, and asks the coordinator to
    /// stop the run (once; not when it is stopping already).
    private func stopAtDeadline() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        sendToCoordinator(.interrupt(reason: Coordinator.deadlineStopReason))
    }

    /// Waits for task `index`'s cores (none to take without a pool); returns how many were
    /// taken, and which CPUs in a bound pool.
    private func takeCores(for index: Int) async -> (count: Int, cpus: [Int]) {
        guard let cores else { return (0, []) }
        let count = min(max(1, workload.cores(of: index)), cores.size)
        return (count, await cores.acquire(count))
    }

    /// Waits for task `index`'s GPUs and memory from the node's ledger; nil when it asks for
    /// none, or when the rank stops meanwhile.
    private func takeResources(for index: Int) async -> ResourceGrant? {
        let ask = workload.resources(of: index)
        guard let ledger, !ask.asksNothing else { return nil }
        return await ledger.acquire(ask) { self.stopping.load(ordering: .relaxed) }
    }

    /// Runs task `index`, started at `started` (monotonic nanoseconds); returns its record and
    /// when it ended.
    private func runTask(
        index: Int, attempt: Int, slot: Int, started: UInt64, chunkEnd: Int, cpus: [Int], grant: ResourceGrant?,
        cpuClock: inout CPUClockSampler
    ) async -> (TaskRecord, ended: UInt64) {
        var context = TaskContext(
            index: index, attempt: attempt, rank: rank, slot: slot, outputDirectory: outputDirectory,
            report: reports[slot], batchEnd: chunkEnd)
        context.cpus = cpus
        context.grant = grant
        var status = TaskStatus.ok
        var value = TaskValue.none
        var error: String?
        // A kernel that does not suspend runs on one thread: its CPU time is that thread's,
        // read around its body when the sampler says (`CPUClockSampler`, `ThreadCPUMeter`). A
        // task that reports its own usage (a command) needs no clock read.
        let kernel = ownUsage?.reportsOwnUsage(of: index) != true
        let meter = kernel && cpuClock.readsNext() ? ThreadCPUMeter() : nil
        let wrapped = cancellation.wrapsTasks
        do {
            // A task run inline and not metered (most short kernel tasks) is one call: no frame between.
            value = wrapped || meter != nil
                ? try await execute(context, wrapped: wrapped, meter: meter) : try await workload.run(context).journalForm
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
        if wrapped, let reason = cancellation.end(slot: slot), status != .ok {
            status = .cancelled
            error = reason
        }
        let ended = MonotonicClock.nanoseconds()
        let command = reports[slot].take()
        let start = Double(started &- epoch) * 1e-9 + command.setupSeconds  // a worker's start-up is not task time
        let seconds = max(0, Double(ended &- started) * 1e-9 - command.setupSeconds)
        // A body that moved thread is not read; no reading exceeds the wall time.
        let measured = meter?.reading.map { Double(min($0, ended &- started)) * 1e-9 }
        if kernel { cpuClock.took(nanoseconds: ended &- started, cpuSeconds: measured) }
        let usage = command.usage ?? TaskUsage(
            cpuSeconds: measured ?? (kernel ? cpuClock.estimate(seconds: seconds) : 0), maxRSSBytes: nil)
        var record = TaskRecord(
            index: index, attempt: attempt, status: status, rank: rank, slot: slot,
            start: start, seconds: seconds, value: value,
            error: error, startedAt: wallEpoch + start, exitCode: command.exitCode, signal: command.signal,
            log: command.log, usage: usage)
        let waited = command.setupSeconds + command.earlySetupSeconds
        if waited > 0 { record.workerStartSeconds = waited }
        if let grant, !grant.devices.isEmpty { record.gpus = grant.devices.joined(separator: ",") }
        return (record, ended)
    }

    /// Runs `context`'s task: inline, or when `wrapped` (`EarlyCancellation.wrapsTasks`: an early
    /// stop in the workload, or this rank's tasks taking over a millisecond) as a task of its own
    /// that a `cancel` message can end (refused with `CancellationError` if already cancelled).
    /// `meter`, when given, reads the task's CPU time on the thread that runs it.
    private func execute(_ context: TaskContext, wrapped: Bool, meter: ThreadCPUMeter?) async throws -> TaskValue {
        let workload = workload
        @Sendable func body() async throws -> TaskValue {
            guard let meter else { return try await workload.run(context).journalForm }
            return try await meter.measure { try await workload.run(context).journalForm }
        }
        guard wrapped else { return try await body() }
        guard let task = cancellation.start(slot: context.slot, index: context.index, body)
        else { throw CancellationError() }
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }
}
