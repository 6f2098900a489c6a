import MPIBatchCore
import MPIBatchJournal

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// A child process started with `posix_spawn` in its own process group, with
/// stdin from `/dev/null` and stdout/stderr captured through pipes (or, for
/// `logs: per-task`, into files). Nothing in the group outlives the task: when the
/// child exits, what it left behind gets SIGTERM, then SIGKILL after `grace` (see
/// `ProcessGroups`).
///
/// Waiting happens on a Dispatch thread of its own (never on Swift's cooperative pool):
/// it reads the pipes until they end or the child has exited, blocks in
/// `waitid(WNOWAIT)`, marks the child as exited under a lock, signals the group, and
/// only then reaps it — so the timeout and cancellation, which signal the whole group
/// (SIGTERM, a grace period, SIGKILL), never hit a recycled pid. What the group still
/// writes is read for at most `grace` + 0.5 s more.
struct CommandProcess: Sendable {
    /// Where the child's stdout and stderr go.
    enum Output: Sendable {
        /// Through pipes into the rank's memory, up to `limit` bytes a stream (`CapturedOutput`).
        case captured(limit: Int)
        /// Into these files (`logs: per-task`).
        case files(stdout: String, stderr: String)
    }

    /// How a finished child ended.
    enum Ending: Sendable, Equatable {
        /// Exited with this status.
        case exited(Int32)
        /// Killed by this signal.
        case signaled(Int32)
        /// Ran past its timeout and was killed (`signal`: how, nil if it exited on SIGTERM).
        case timedOut(signal: Int32?, exitCode: Int32?)
        /// Its group went over `memoryLimit` (`MemoryWatchdog`: `usedBytes` of PSS when seen) and was killed.
        case overMemory(usedBytes: Int, signal: Int32?, exitCode: Int32?)
    }

    /// Where a finished child's stdout and stderr are.
    enum Kept: Sendable {
        /// In memory (`Output.captured`).
        case captured(stdout: CapturedOutput, stderr: CapturedOutput)
        /// In these files (`Output.files`).
        case files(stdout: String, stderr: String)
    }

    /// A finished child: how it ended and what it printed.
    struct Finished: Sendable {
        /// How it ended.
        var ending: Ending
        /// Its stdout and stderr.
        var output: Kept
        /// What it used (`wait4`'s rusage: the child with the descendants it waited for).
        var usage: TaskUsage
    }

    /// A program to start, with its argv and environment.
    struct Command: Sendable {
        /// argv[0], resolved through PATH when it has no `/`.
        var program: String
        /// The whole argv, program included.
        var arguments: [String]
        /// The environment shared by every task of the sweep.
        var inherited: CommandEnvironment
        /// This task's own `NAME=value` strings (`env:`), after the inherited ones.
        var environment: [String]
    }

    /// What the task runs.
    var command: Command
    /// The same task without its shell (`DirectSpawn`), started first when given; `command`
    /// starts only if it cannot be, and reports the failure if it cannot start either.
    var direct: Command?
    /// Where to run; nil: here.
    var workingDirectory: String?
    /// Where stdout and stderr go.
    var output: Output
    /// Seconds before the group is killed.
    var timeout: Double?
    /// Bytes of PSS the group may use (`memory:`); over them it is killed (`MemoryWatchdog`). nil: not watched.
    var memoryLimit: Int?
    /// Seconds between SIGTERM and SIGKILL on timeout, and for what the child leaves behind.
    var grace: Double = 2
    /// The CPUs to pin the child to from its start (`--bind cores`); empty: not pinned.
    var cpus: [Int] = []
    /// Seconds between SIGTERM and SIGKILL when the task is cancelled: the run is
    /// stopping and its grace period is over, so only a short clean-up is left.
    static let cancelGrace = 0.25

    /// Starts the child and waits for it without blocking the caller's thread.
    func run() async throws(CommandFailure) -> Finished {
        let streams = try openStreams()
        let writeEnds: [Int32]
        if case .pipes(_, let stdout, let stderr) = streams { writeEnds = [stdout, stderr] } else { writeEnds = [] }
        let pid: pid_t
        do {
            pid = try spawn(writeEnds: writeEnds)
        } catch {
            for end in writeEnds { close(end) }
            if case .pipes(let drain, _, _) = streams { drain.close() }
            throw error
        }
        for end in writeEnds { close(end) }  // the child has its own copies; ours would keep the pipes from ending
        ProcessGroups.shared.insert(pid)
        let watch = Watch(pid: pid, grace: grace)
        let timer = timeout.map { seconds in
            let item = DispatchWorkItem { [grace] in watch.terminate(timedOut: true, grace: grace) }
            ProcessGroups.timers.asyncAfter(deadline: .now() + seconds, execute: item)
            return item
        }
        let watchdog = memoryLimit.map { limit in MemoryWatchdog(pid: pid, limit: limit) { watch.killOverMemory(usedBytes: $0) } }
        let (status, kept) = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // A serial queue of its own gets a thread of its own: a blocked waiter on the
                // global queue would hold one of its few threads (one per core, one in all for
                // a rank bound to a core by mpirun), starving Swift tasks and timers.
                DispatchQueue(label: "mpibatch-wait").async {
                    switch streams {
                    case .pipes(var drain, _, _):
                        let status = watch.wait(draining: &drain)
                        continuation.resume(returning: (status, Kept.captured(stdout: drain.stdout, stderr: drain.stderr)))
                    case .files(let stdout, let stderr):
                        let status = watch.wait()
                        continuation.resume(returning: (status, Kept.files(stdout: stdout, stderr: stderr)))
                    }
                }
            }
        } onCancel: {
            watch.terminate(timedOut: false, grace: Self.cancelGrace)
        }
        timer?.cancel()
        watchdog?.cancel()
        let signal = status.raw & 0x7F
        let (exitCode, killedBy): (Int32?, Int32?) = signal == 0 ? ((status.raw >> 8) & 0xFF, nil) : (nil, signal)
        let ending: Ending =
            if let used = watch.overMemory {
                .overMemory(usedBytes: used, signal: killedBy, exitCode: exitCode)
            } else if watch.timedOut {
                .timedOut(signal: killedBy, exitCode: exitCode)
            } else if let killedBy {
                .signaled(killedBy)
            } else {
                .exited(exitCode ?? 0)
            }
        return Finished(ending: ending, output: kept, usage: status.usage)
    }

    /// Where the child's stdout and stderr go, made ready.
    private enum Streams: Sendable {
        /// New pipes: the drain that reads them and the write ends for the child.
        case pipes(OutputDrain, stdout: Int32, stderr: Int32)
        /// Files the child opens.
        case files(stdout: String, stderr: String)
    }

    private func openStreams() throws(CommandFailure) -> Streams {
        switch output {
        case .files(let stdout, let stderr):
            return .files(stdout: stdout, stderr: stderr)
        case .captured(let limit):
            switch OutputDrain.open(limit: limit) {
            case .success(let opened): return .pipes(opened.drain, stdout: opened.stdout, stderr: opened.stderr)
            case .failure(let error): throw .cannotStart(program: command.program, reason: "cannot make the pipes for its output: \(error)")
            }
        }
    }

    private func spawn(writeEnds: [Int32]) throws(CommandFailure) -> pid_t {
        if let direct, case .success(let pid) = start(direct, writeEnds: writeEnds) { return pid }
        switch start(command, writeEnds: writeEnds) {
        case .success(let pid): return pid
        case .failure(let failure):
            throw .cannotStart(program: command.program, reason: failure.reason(program: command.program, workingDirectory: workingDirectory))
        }
    }

    private func start(_ command: Command, writeEnds: [Int32]) -> Result<pid_t, GroupSpawn.Failure> {
        GroupSpawn.start(
            command.program, arguments: command.arguments, inherited: command.inherited, own: command.environment,
            workingDirectory: workingDirectory, cpus: cpus
        ) { actions in
            switch output {
            case .captured:
                // dup2 clears close-on-exec on the copies: the child's 1 and 2 survive exec, the originals do not.
                posix_spawn_file_actions_adddup2(&actions, writeEnds[0], 1)
                posix_spawn_file_actions_adddup2(&actions, writeEnds[1], 2)
            case .files(let stdoutPath, let stderrPath):
                let flags = O_WRONLY | O_CREAT | O_TRUNC
                posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, flags, 0o644)
                posix_spawn_file_actions_addopen(&actions, 2, stderrPath, flags, 0o644)
            }
        }
    }
}

/// A running child's state, shared by its waiter, its timer and cancellation.
private final class Watch: Sendable {
    private struct State {
        var exited = false
        var timedOut = false
        var overMemory: Int?
    }

    let pid: pid_t
    /// Seconds what the child leaves behind gets between SIGTERM and SIGKILL.
    private let grace: Double
    private let state = Mutex(State())

    init(pid: pid_t, grace: Double) {
        self.pid = pid
        self.grace = grace
    }

    /// True when the timer killed the child.
    var timedOut: Bool { state.withLock { $0.timedOut } }

    /// The PSS bytes the memory watchdog saw when it killed the group; nil when it did not.
    var overMemory: Int? { state.withLock { $0.overMemory } }

    /// The group went over its `memory:`: SIGKILL at once (no grace: it would grow meanwhile).
    func killOverMemory(usedBytes: Int) {
        state.withLock { state in
            guard !state.exited else { return }
            state.overMemory = usedBytes
            kill(-pid, SIGKILL)
        }
    }

    /// Reads `drain` until the pipes end or the child exits, then waits for it as `wait()`
    /// does, and reads what the rest of its group still writes until the pipes end, for at
    /// most `grace` + 0.5 s (a process that left the group may hold them for ever).
    func wait(draining drain: inout OutputDrain) -> (raw: Int32, usage: TaskUsage) {
        drain.read(until: hasExited)
        let status = wait()
        let deadline = MonotonicClock.nanoseconds() &+ UInt64((grace + 0.5) * 1e9)
        drain.read { MonotonicClock.nanoseconds() >= deadline }
        drain.close()
        return status
    }

    /// Blocks until the child exits, ends the rest of its group, reaps it; returns the raw wait
    /// status and what the child used.
    func wait() -> (raw: Int32, usage: TaskUsage) {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        state.withLock { $0.exited = true }
        kill(-pid, SIGTERM)  // the unreaped child keeps the group's id ours
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        ProcessGroups.shared.sweep(pid, grace: grace)
        return (status, TaskUsage(usage))
    }

    /// Whether the child has exited (it stays unreaped).
    private func hasExited() -> Bool {
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_signo == SIGCHLD
    }

    /// SIGTERM to the group, then SIGKILL after `grace` seconds if the child ignored it
    /// (once the child has exited, `wait` deals with the rest of the group).
    func terminate(timedOut: Bool, grace: Double) {
        let signaled = state.withLock { state in
            guard !state.exited else { return false }
            if timedOut { state.timedOut = true }
            kill(-pid, SIGTERM)
            return true
        }
        guard signaled else { return }
        ProcessGroups.timers.asyncAfter(deadline: .now() + grace) { [self] in
            state.withLock { state in
                if !state.exited { kill(-pid, SIGKILL) }
            }
        }
    }
}
