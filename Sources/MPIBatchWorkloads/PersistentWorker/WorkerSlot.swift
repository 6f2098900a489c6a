import MPIBatchCore
import MPIBatchJournal
import MPIBatchPlan
import MPIBatchRuntime
import Synchronization

/// One slot's persistent worker: started on the slot's first task (its start-up timed
/// apart from the task), sent the tasks of a chunk as batches, and kept for later chunks.
/// A worker may hold results and write several at once, so one that dies or hangs with more
/// than one task unanswered is replaced and those tasks are sent again one per batch: the one
/// whose single-task batch kills its worker (or runs past `timeout:`) is the one that fails.
///
/// `@unchecked Sendable` is safe: a slot runs one task at a time (`Worker.runSlot` awaits
/// each task, early-stop tasks included, before it starts the next) and `WorkerPool` gives
/// each slot number its own `WorkerSlot`, so its state is never touched by two threads at once.
/// Its mutable state is `@exclusivity(unchecked)` for the same reason (the run-time access
/// checks of a task's reads and writes of it were ~1 % of a rank's CPU in a 2·10⁶-call run):
/// no access overlaps another, the only `inout` ones being `reader` to `WorkerProcess.read`
/// (which does not see the slot) and `earlyStartSeconds` to `start` (which does not touch it).
final class WorkerSlot: @unchecked Sendable {
    /// A batch holds at most this many tasks (a `columns` batch `columnsBatchTasks`)…
    static let batchTasks = 1024
    static let columnsBatchTasks = 4096
    /// …and about this many bytes (under a socket's buffer: sending never waits for the worker).
    static let batchBytes = 60_000
    /// The longest a slot blocks its thread waiting for the worker before it lets other tasks run.
    private static let waitSliceMilliseconds: Int64 = 20

    private let launch: WorkerLaunch
    /// What each task's entry in a batch says.
    private let tasks: any WorkerTaskWriter
    /// The same tasks as `columns` batches, when they can go so, and their parameter names.
    private let columnTasks: (tasks: any WorkerColumnTasks, names: [String])?
    /// `timeout:` of a task, counted from the previous result.
    private let timeout: Double?
    /// `max_output:` of each stream of a task's log.
    private let maxOutput: Int
    /// Cores of a task (its worker's thread variables).
    private let cores: Int

    @exclusivity(unchecked) private var process: WorkerProcess?
    @exclusivity(unchecked) private var reader = WorkerFrameReader()
    /// Indices sent and not answered yet, in order, from `pendingStart`; all of attempt `pendingAttempt`.
    @exclusivity(unchecked) private var pending: [Int] = []
    @exclusivity(unchecked) private var pendingStart = 0
    @exclusivity(unchecked) private var pendingAttempt = 0
    /// Where the chunk of the batches sent ends: the next batch goes before the rank gives out
    /// the values of one that ended (`sendAhead`), so the worker works while the rank records them.
    @exclusivity(unchecked) private var chunkEnd = 0
    /// When the worker last made progress (a result, a batch sent), on the monotonic clock.
    @exclusivity(unchecked) private var lastProgress: UInt64 = 0
    /// Bytes of the worker's stdout and stderr already given to tasks.
    @exclusivity(unchecked) private var consumed: [Int] = [0, 0]
    /// Tasks up to this index go one per batch: a worker ended with them unanswered.
    @exclusivity(unchecked) private var isolatedThrough = -1
    /// Set when the worker could not start: every later task of the slot gets it at once.
    @exclusivity(unchecked) private var startFailure: WorkerStartFailure?
    /// What the current worker said at its handshake it runs under, if it said.
    @exclusivity(unchecked) private var environment: RunEnvironment?
    /// What the current worker accepted at its handshake (`WorkerRequest.columns`, `.seeds`).
    @exclusivity(unchecked) private var accepts: Set<String> = []
    /// Values of a `results` frame not yet given to their tasks (from `queuedNext`, the
    /// next pending task's first), and the CPU seconds of each.
    @exclusivity(unchecked) private var queued: [TaskValue] = []
    @exclusivity(unchecked) private var queuedNext = 0
    @exclusivity(unchecked) private var queuedCPUSeconds: Double?
    /// What every worker must say it runs under (set on every rank from rank 0's).
    private let expected: ExpectedEnvironment
    /// The start-up of a worker started before its first task (`startedEnvironment`), which
    /// that task carries as its worker start-up.
    @exclusivity(unchecked) private var earlyStartSeconds = 0.0
    /// A worker spawned and sent its `hello` ahead of the slot's first task (`prestart`),
    /// its `ready` not read yet: what it was started as (`WorkerLaunch.identity`) and when.
    /// (In a stage graph the graph's keeper holds it instead, for every stage.)
    @exclusivity(unchecked) private var launched: WorkerKeeper.Launched?
    /// What the current worker said it is at its handshake (`CPython 3.12.3 /usr/bin/python3`).
    @exclusivity(unchecked) private(set) var workerDescription: String?

    /// A slot with no worker yet: `launch` starts it, `tasks` writes its tasks into batches,
    /// and a worker that says it runs under another environment than `expected` cannot start.
    init(launch: WorkerLaunch, tasks: any WorkerTaskWriter, timeout: Double?, maxOutput: Int, cores: Int, expected: ExpectedEnvironment) {
        self.expected = expected
        self.launch = launch
        self.tasks = tasks
        columnTasks = (tasks as? any WorkerColumnTasks).map { ($0, $0.columnNames) }
        self.timeout = timeout
        self.maxOutput = maxOutput
        self.cores = cores
    }

    deinit {
        process?.retire()
        launched?.process.retire()
    }

    private var hasPending: Bool { pendingStart < pending.count }

    /// How the float64 values a worker sent for a task (its float64 frame's payload: 8 bytes
    /// a value, little-endian, not aligned, read in place) become the task's value.
    typealias Float64Reading = (UnsafeRawBufferPointer) -> Result<TaskValue, any Error>

    /// The default `Float64Reading`: the values, as `.numbers`.
    static func numbers(_ bytes: UnsafeRawBufferPointer) -> Result<TaskValue, any Error> {
        .success(.numbers(WorkerFrame.float64s(bytes)))
    }

    /// Runs task `context.index`, whose chunk ends before `batchEnd`: from the batch in
    /// flight if it holds it, else in a new batch from it to at most `batchEnd`. Float64 values
    /// the worker sends for it become its value through `reading`.
    func run(_ context: TaskContext, batchEnd: Int, reading: Float64Reading = numbers) async throws -> TaskValue {
        if let startFailure { throw startFailure }
        let report = context.report ?? CommandReport(log: RankLog(runDirectory: context.outputDirectory, rank: context.rank))
        var facts = CommandReport.Facts()
        facts.earlySetupSeconds = earlyStartSeconds  // a worker started before the run is its first task's start-up
        earlyStartSeconds = 0
        defer {
            report.record(facts)
            parkIfIdle(context)
        }
        // Most tasks are the next one sent (no call, no suspension point, for them: a trivial
        // function's task costs a few hundred nanoseconds, and each async call tens).
        if hasPending, pendingAttempt != context.attempt || pending[pendingStart] != context.index {
            try await skipUnwanted(before: context)
        }
        while true {
            if !hasPending {
                if process == nil, !takeKept(context) { try await start(context, setupSeconds: &facts.setupSeconds) }
                chunkEnd = batchEnd
                let end = context.index <= isolatedThrough ? context.index + 1 : batchEnd
                send(from: context.index, to: end, attempt: context.attempt)
            }
            // A value already received for it (a "results" frame's) is taken without a suspension point.
            let unanswered = pending.count - pendingStart
            let lastSent = pending.last ?? context.index
            let answer = process != nil && queuedNext < queued.count ? takeQueued() : try await nextResult(expecting: context.index, reading: reading)
            if let value = try settle(answer, unanswered: unanswered, lastSent: lastSent, facts: &facts, report: report) { return value }
        }
    }

    /// Starts the slot's worker before its first task (`context` says for which task, as
    /// the first task's would) and says what it runs under: nil when it does not say. A
    /// worker that cannot start throws, and the slot's tasks then fail with that at once.
    func startedEnvironment(_ context: TaskContext) async throws -> RunEnvironment? {
        if let startFailure { throw startFailure }
        if process == nil { try await start(context, setupSeconds: &earlyStartSeconds) }
        return environment
    }

    /// Spawns the slot's worker for task `context` and sends its `hello` now, so that its
    /// start-up (an interpreter's, `import numpy`) overlaps the rank's own; its `ready` is
    /// read when the slot first needs the worker, which is started again there if that task
    /// would start another (its `env:` or `cwd:` depends on the index) or the spawn failed.
    /// A worker spawned before as another would be now (for another rank, the launcher's
    /// guess before MPI started) is ended, and this one spawned instead. In a stage graph the
    /// worker goes to the graph's keeper, so the first task of any stage naming it takes it.
    func prestart(_ context: TaskContext) {
        guard process == nil, startFailure == nil else { return }
        let began = MonotonicClock.nanoseconds()
        let resolved = launch.resolved(for: context, cores: cores)
        let identity = launch.identity(of: resolved)
        let cores = cores
        let sharedBytes = tasks.sharedValuesBytes
        let spawn = { () -> WorkerKeeper.Launched? in
            guard let spool = try? WorkerSpool(), let process = try? WorkerProcess(resolved, spool: spool, sharedBytes: sharedBytes)
            else { return nil }
            _ = process.send(WorkerRequest.hello(rank: context.rank, slot: context.slot, cores: cores, shared: process.shared))
            return WorkerKeeper.Launched(process: process, identity: identity, began: began)
        }
        if let sharing = launch.sharing { return sharing.keeper.launch(slot: context.slot, identity: identity, spawn: spawn) }
        if let early = launched {
            guard early.identity != identity else { return }
            early.process.kill()
            launched = nil
        }
        launched = spawn()
    }

    // MARK: - Kept across stages

    /// In a stage graph, leaves the worker, alive with nothing sent, to the graph's keeper for
    /// the next task of this slot, of this stage or another that names the same worker.
    private func parkIfIdle(_ context: TaskContext) {
        guard let sharing = launch.sharing, let process, !hasPending, !process.hasExited else { return }
        let idle = WorkerKeeper.Idle(process: process, reader: reader, consumed: consumed, environment: environment, accepts: accepts)
        sharing.keeper.park(idle, slot: context.slot, identity: launch.identity(of: launch.resolved(for: context, cores: cores)))
        forgetWorker()
    }

    /// Takes the worker of task `context`'s identity that the keeper holds for its slot; false when there is none.
    private func takeKept(_ context: TaskContext) -> Bool {
        guard let sharing = launch.sharing,
            let idle = sharing.keeper.take(slot: context.slot, identity: launch.identity(of: launch.resolved(for: context, cores: cores)))
        else { return false }
        guard !idle.process.hasExited else {  // it died while idle: no task's fault
            _ = idle.process.kill()
            return false
        }
        process = idle.process
        reader = idle.reader
        consumed = idle.consumed
        environment = idle.environment
        accepts = idle.accepts
        return true
    }

    // MARK: - Batches

    /// Drops the results of tasks sent but no longer wanted (cancelled by an early stop, or a
    /// new chunk came): they are read and forgotten, or the worker is ended if it fails meanwhile.
    private func skipUnwanted(before context: TaskContext) async throws {
        guard hasPending else { return }
        let wanted = pendingAttempt == context.attempt ? pending[pendingStart...].firstIndex(of: context.index) : nil
        let stop = wanted ?? pending.count
        while pendingStart < stop {
            guard case .answered = try await nextResult(expecting: pending[pendingStart]) else {
                return forgetWorker()  // the task starts a new one
            }
            consumed = [process?.spool.size(.out) ?? 0, process?.spool.size(.err) ?? 0]
        }
    }

    /// Sends tasks `start ..< end` (as many as one batch holds) after those pending.
    private func send(from start: Int, to end: Int, attempt: Int) {
        pending.removeFirst(pendingStart)
        pendingStart = 0
        pendingAttempt = attempt
        var index = start
        let frame: [UInt8]
        if let columnTasks, accepts.contains(WorkerRequest.columns) {
            var batch = WorkerColumnsWriter(
                first: start, attempt: attempt, names: columnTasks.names, withSeeds: accepts.contains(WorkerRequest.seeds))
            while index < end, batch.count < Self.columnsBatchTasks, batch.count == 0 || batch.byteCount < Self.batchBytes {
                columnTasks.tasks.addRow(index: index, to: &batch)
                pending.append(index)
                index += 1
            }
            frame = batch.frame()
        } else {
            var batch = WorkerBatchWriter()
            while index < end, batch.count < Self.batchTasks, batch.count == 0 || batch.byteCount < Self.batchBytes {
                tasks.add(index: index, attempt: attempt, to: &batch)
                pending.append(index)
                index += 1
            }
            frame = batch.frame()
        }
        lastProgress = MonotonicClock.nanoseconds()
        _ = process?.send(frame)  // a worker gone meanwhile: reading the result says how
    }

    // MARK: - Results

    private enum Answer {
        /// The task's result: its value or why it failed, and where its output ends (when the worker says).
        case answered(Result<TaskValue, any Error>, stdoutEnd: Int?, stderrEnd: Int?, cpuSeconds: Double?)
        /// The worker ended (died, broke the protocol, ran past the timeout) and was reaped;
        /// `brokeProtocol` when what it sent for the task awaited was wrong (that task is the culprit).
        case workerEnded(why: String, timedOut: Bool, brokeProtocol: Bool = false)
    }

    /// The task's value from `answer`, or nil when its worker ended with other tasks unanswered
    /// too (`unanswered` were, up to `lastSent`, when it was awaited): they are then sent again
    /// one at a time (`isolatedThrough`) to a new worker.
    private func settle(
        _ answer: Answer, unanswered: Int, lastSent: Int, facts: inout CommandReport.Facts, report: CommandReport
    ) throws -> TaskValue? {
        switch answer {
        case .answered(let outcome, let stdoutEnd, let stderrEnd, let cpuSeconds):
            facts.log = try keepOutput(upTo: stdoutEnd, stderrEnd, in: report)
            facts.usage = TaskUsage(cpuSeconds: cpuSeconds ?? 0, maxRSSBytes: nil)
            return try outcome.get()
        case .workerEnded(_, _, brokeProtocol: false) where unanswered > 1:
            isolatedThrough = max(isolatedThrough, lastSent)
            forgetWorker()
            return nil
        case .workerEnded(let why, let timedOut, _):
            facts.log = try keepOutput(upTo: nil, nil, in: report)
            facts.usage = TaskUsage(cpuSeconds: 0, maxRSSBytes: nil)
            (facts.exitCode, facts.signal) = process?.ending ?? (nil, nil)
            forgetWorker()
            if timedOut { throw TaskTimeout(seconds: timeout ?? 0) }
            throw WorkerTaskFailure(description: why)
        }
    }

    /// The next result, which must be task `index`'s (float64 values it sends become its value
    /// through `reading`); a worker that fails instead is ended.
    private func nextResult(expecting index: Int, reading: Float64Reading = numbers) async throws -> Answer {
        guard let process else { return .workerEnded(why: "the worker is gone", timedOut: false) }
        if queuedNext < queued.count { return takeQueued() }
        let deadline = timeout.map { lastProgress &+ UInt64($0 * 1e9) }
        let reply: WorkerReply
        let outcome: Result<TaskValue, any Error>
        do {
            switch try await nextFrame(of: process, deadline: deadline) {
            case .frame(let payload): reply = try WorkerReply.decode(payload)
            case .timedOut:
                let how = process.kill()
                return .workerEnded(why: "timed out; its worker was killed (\(how))", timedOut: true)
            case .ended:
                let how = process.kill()
                let tail = process.spool.stderrTail()
                return .workerEnded(why: "its worker died (\(how))" + (tail.isEmpty ? "" : ": \(tail)"), timedOut: false)
            }
        } catch let error as WorkerProtocolError {
            process.kill()
            return .workerEnded(why: error.description, timedOut: false, brokeProtocol: true)
        }
        if case .results(let first, let values, let cpuSeconds) = reply, first == index, values.count <= pending.count - pendingStart {
            queued = values
            queuedNext = 0
            queuedCPUSeconds = cpuSeconds.map { $0 / Double(values.count) }
            sendAhead()
            return takeQueued()
        }
        if case .results(let first, let values, _) = reply {
            process.kill()
            return .workerEnded(
                why: "the worker broke the protocol: expected results from task \(index) on (at most \(pending.count - pendingStart)), "
                    + "got results for tasks \(first) to \(first + values.count - 1)", timedOut: false, brokeProtocol: true)
        }
        guard case .result(let answered, let said, let stdoutEnd, let stderrEnd, let cpuSeconds) = reply, answered == index else {
            process.kill()
            return .workerEnded(why: "the worker broke the protocol: expected the result of task \(index), got \(reply)", timedOut: false, brokeProtocol: true)
        }
        switch said {
        case .value(let value): outcome = .success(value)
        case .error(let message): outcome = .failure(WorkerTaskFailure(description: message))
        case .float64(let count, let sharedAt?):
            guard accepts.contains(WorkerRequest.sharedValues), let shared = process.shared, let bytes = shared.values(at: sharedAt, count: count)
            else {
                process.kill()
                return .workerEnded(
                    why: "the worker broke the protocol: result \(index) says its \(count) float64 values lie at \(sharedAt) in shared memory, "
                        + "which it was not given or they do not fit", timedOut: false, brokeProtocol: true)
            }
            outcome = reading(bytes)
            shared.release(at: sharedAt, count: count)
        case .float64(let count, nil):
            do {
                outcome = try await float64Values(of: process, count: count, index: index, deadline: deadline, reading: reading)
            } catch let ended as Ended {
                return .workerEnded(why: ended.why, timedOut: ended.timedOut, brokeProtocol: ended.brokeProtocol)
            }
        }
        pendingStart += 1
        lastProgress = MonotonicClock.nanoseconds()
        return .answered(outcome, stdoutEnd: stdoutEnd, stderrEnd: stderrEnd, cpuSeconds: cpuSeconds)
    }

    /// When the `results` frame just queued answers every task sent, sends the next batch of
    /// the chunk at once: the worker runs it while the rank records these, where the rank
    /// waited for each batch's first results after recording the last. Not while tasks go
    /// one per batch.
    private func sendAhead() {
        guard let last = pending.last, pendingStart + queued.count == pending.count, last + 1 < chunkEnd, last >= isolatedThrough
        else { return }
        send(from: last + 1, to: chunkEnd, attempt: pendingAttempt)
    }

    /// The next value of the `results` frame being given out: its task printed nothing. The
    /// worker's progress is stamped when the last is taken (a clock read per frame, not per
    /// task): only a wait for the next frame reads it, and none comes while values are queued.
    private func takeQueued() -> Answer {
        let value = queued[queuedNext]
        queuedNext += 1
        if queuedNext == queued.count {
            queued.removeAll(keepingCapacity: true)
            queuedNext = 0
            lastProgress = MonotonicClock.nanoseconds()
        }
        pendingStart += 1
        return .answered(.success(value), stdoutEnd: consumed[0], stderrEnd: consumed[1], cpuSeconds: queuedCPUSeconds)
    }

    /// Why the worker ended while mpibatch waited for a float64 frame (see `Answer.workerEnded`).
    private struct Ended: Error {
        let why: String
        var timedOut = false
        var brokeProtocol = false
    }

    /// The `count` values the result of task `index` announced, from the float64 frame that
    /// must follow it, read by `reading` where they lie; anything else ends the worker and throws `Ended`.
    private func float64Values(
        of process: WorkerProcess, count: Int, index: Int, deadline: UInt64?, reading: Float64Reading
    ) async throws -> Result<TaskValue, any Error> {
        let wait: FrameWait
        do { wait = try await nextFrame(of: process, deadline: deadline, kind: .float64) } catch let error as WorkerProtocolError {
            process.kill()
            throw Ended(why: error.description, brokeProtocol: true)
        }
        switch wait {
        case .frame(let payload):
            guard payload.count == count * 8 else {
                process.kill()
                throw Ended(
                    why: "the worker broke the protocol: result \(index) announced \(count) float64 values, but their frame holds \(payload.count) bytes",
                    brokeProtocol: true)
            }
            return payload.withUnsafeBytes(reading)
        case .timedOut:
            throw Ended(why: "timed out; its worker was killed (\(process.kill()))", timedOut: true)
        case .ended:
            throw Ended(why: "its worker died (\(process.kill())) between a result and its float64 values")
        }
    }

    /// Appends the worker's output since the last task, up to `stdoutEnd` and `stderrEnd` (the
    /// files' ends where nil), to the rank's log, and says where it lies.
    private func keepOutput(upTo stdoutEnd: Int?, _ stderrEnd: Int?, in report: CommandReport) throws -> TaskLog? {
        guard let spool = process?.spool else { return nil }
        if let out = stdoutEnd, let err = stderrEnd, out <= consumed[0], err <= consumed[1] { return nil }  // it printed nothing
        let ends = [stdoutEnd, stderrEnd]
        var captured: [CapturedOutput] = []
        for (number, stream) in LogStream.allCases.enumerated() {
            let end = max(consumed[number], ends[number] ?? spool.size(stream))
            captured.append(spool.read(stream, consumed[number]..<end, limit: maxOutput))
            consumed[number] = end
        }
        guard !captured[0].isEmpty || !captured[1].isEmpty else { return nil }
        do {
            return try report.log.append(stdout: captured[0], stderr: captured[1])
        } catch {
            throw CommandFailure.logs(path: error.path, reason: "\(error.operation): errno \(error.code)")
        }
    }

    private func forgetWorker() {
        process = nil
        queued.removeAll(keepingCapacity: true)
        queuedNext = 0
        pending.removeAll(keepingCapacity: true)
        pendingStart = 0
    }

    // MARK: - Frames

    /// What waiting for a frame gave.
    private enum FrameWait {
        /// A JSON frame's payload.
        case frame(ArraySlice<UInt8>)
        /// The deadline passed first.
        case timedOut
        /// The worker closed its socket or exited.
        case ended
    }

    /// The worker's next frame, which must be of type `kind`, waiting at most until `deadline`
    /// (monotonic nanoseconds); a cancelled task (the run stopping) ends the worker and throws
    /// `CancellationError`.
    private func nextFrame(of process: WorkerProcess, deadline: UInt64?, kind: WorkerFrame.Kind = .json) async throws -> FrameWait {
        while true {
            if let frame = try reader.next() {
                guard frame.kind == kind else {
                    throw WorkerProtocolError.badFrame(
                        frame.kind == .float64
                            ? "a float64 frame that no result announced (\"float64\": n)"
                            : "a frame of type \(frame.kind.rawValue) where the float64 values a result announced were due")
                }
                return .frame(frame.payload)
            }
            var wait = Self.waitSliceMilliseconds
            if let deadline {
                let now = MonotonicClock.nanoseconds()
                if now >= deadline {
                    // The late one may be this slot, not the worker (a busy machine's threads
                    // ran it long after its last wait): what the worker sent by now is read
                    // before the task is judged to have run past its timeout.
                    guard process.read(into: &reader, waiting: 0) == .bytes else { return .timedOut }
                    continue
                }
                wait = min(wait, Int64((deadline - now) / 1_000_000) + 1)
            }
            switch process.read(into: &reader, waiting: Int32(wait)) {
            case .bytes: continue
            case .ended: return .ended
            case .nothing:
                if process.hasExited {
                    // What it sent before it went is still to be read; then it has ended.
                    if process.read(into: &reader, waiting: 0) == .bytes { continue }
                    return .ended
                }
                await Task.yield()
                if Task.isCancelled {
                    process.kill()
                    forgetWorker()
                    throw CancellationError()
                }
            }
        }
    }

    // MARK: - Start-up

    /// Starts the worker and waits for its handshake (`startup_timeout:`); the time it took,
    /// whether it started or not, is added to `setupSeconds` (a task whose worker died under
    /// others' tasks may wait for two starts).
    /// A worker spawned by `prestart` counts from the wait here: the task waited only for
    /// what was left of its start-up.
    private func start(_ context: TaskContext, setupSeconds: inout Double) async throws {
        let began = MonotonicClock.nanoseconds()
        defer { setupSeconds += Double(MonotonicClock.nanoseconds() &- began) * 1e-9 }
        let resolved = launch.resolved(for: context, cores: cores)
        do {
            let process: WorkerProcess
            var spawned = began
            let identity = launch.identity(of: resolved)
            let early = launched.take() ?? launch.sharing?.keeper.takeLaunched(slot: context.slot, identity: identity)
            if let early, early.identity == identity {
                process = early.process
                spawned = early.began
            } else {
                early?.process.kill()
                let spool: WorkerSpool
                do { spool = try WorkerSpool() } catch { throw WorkerStartFailure(worker: resolved.description, reason: error.reason) }
                process = try WorkerProcess(resolved, spool: spool, sharedBytes: tasks.sharedValuesBytes)
                _ = process.send(WorkerRequest.hello(rank: context.rank, slot: context.slot, cores: cores, shared: process.shared))
            }
            reader = WorkerFrameReader()
            consumed = [0, 0]
            let deadline = spawned &+ UInt64(launch.spec.startupTimeout * 1e9)
            try await handshake(process, context: context, description: resolved.description, deadline: deadline)
            self.process = process
        } catch let failure as WorkerStartFailure {
            startFailure = failure
            throw failure
        }
    }

    /// Waits until `deadline` for `ready`, the answer to the `hello` sent (its self-description
    /// is kept for diagnostics, its environment for `startedEnvironment`).
    private func handshake(_ process: WorkerProcess, context: TaskContext, description: String, deadline: UInt64) async throws {
        func failure(_ reason: String) -> WorkerStartFailure {
            let tail = process.spool.stderrTail(bytes: 600)
            return WorkerStartFailure(worker: description, reason: reason + (tail.isEmpty ? "" : "\n\(tail)"))
        }
        let wait: FrameWait
        do {
            wait = try await nextFrame(of: process, deadline: deadline)
        } catch let error as WorkerProtocolError {
            process.kill()
            throw failure(error.description)
        }
        switch wait {
        case .timedOut:
            process.kill()
            throw failure("no answer to its handshake within \(NumberText.trimmed(launch.spec.startupTimeout, digits: 3)) s (startup_timeout:)")
        case .ended:
            let how = process.kill()
            throw failure("it \(how) before answering its handshake")
        case .frame(let payload):
            let reply: WorkerReply
            do { reply = try WorkerReply.decode(payload) } catch {
                process.kill()
                throw failure(error.description)
            }
            switch reply {
            case .ready(let version, let worker, let said, let accepted) where version == WorkerRequest.protocolVersion:
                if let refusal = expected.refusal(of: said, rank: context.rank) {
                    process.kill()
                    throw failure(refusal)
                }
                workerDescription = worker.isEmpty ? nil : worker
                environment = said
                accepts = accepted
                return
            case .ready(let version, _, _, _):
                process.kill()
                throw failure("it speaks protocol version \(version); this mpibatch speaks \(WorkerRequest.protocolVersion)")
            case .startError(let message, let file, let line):
                process.kill()
                let place = file.map { path in line.map { "\(path):\($0): " } ?? "\(path): " } ?? ""
                throw WorkerStartFailure(worker: description, reason: place + message)
            case .result, .results:
                process.kill()
                throw failure("it answered its handshake with a result")
            }
        }
    }
}
