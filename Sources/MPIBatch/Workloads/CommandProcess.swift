#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// A child process started with `posix_spawn` in its own process group, with
/// stdin from `/dev/null` and stdout/stderr into files. Nothing in the group
/// outlives the task: when the child exits, what it left behind gets SIGTERM,
/// then SIGKILL after `grace` (see `ProcessGroups`).
///
/// Waiting happens on a Dispatch thread of its own (never on Swift's cooperative pool):
/// it blocks in `waitid(WNOWAIT)`, marks the child as exited under a lock,
/// signals the group, and only then reaps it — so the timeout and cancellation,
/// which signal the whole group (SIGTERM, a grace period, SIGKILL), never hit a
/// recycled pid.
struct CommandProcess: Sendable {
    /// How a finished child ended.
    enum Ending: Sendable, Equatable {
        /// Exited with this status.
        case exited(Int32)
        /// Killed by this signal.
        case signaled(Int32)
        /// Ran past its timeout and was killed.
        case timedOut
    }

    /// argv[0], resolved through PATH when it has no `/`.
    var program: String
    /// The whole argv, program included.
    var arguments: [String]
    /// The environment shared by every task of the sweep.
    var inherited: CommandEnvironment
    /// This task's own `NAME=value` strings (`env:`), after the inherited ones.
    var environment: [String]
    /// Where to run; nil: here.
    var workingDirectory: String?
    /// File that receives stdout.
    var stdoutPath: String
    /// File that receives stderr.
    var stderrPath: String
    /// Seconds before the group is killed.
    var timeout: Double?
    /// Seconds between SIGTERM and SIGKILL on timeout, and for what the child leaves behind.
    var grace: Double = 2
    /// Seconds between SIGTERM and SIGKILL when the task is cancelled: the run is
    /// stopping and its grace period is over, so only a short clean-up is left.
    static let cancelGrace = 0.25

    /// Starts the child and waits for it without blocking the caller's thread.
    func run() async throws(CommandFailure) -> Ending {
        let pid = try spawn()
        ProcessGroups.shared.insert(pid)
        let watch = Watch(pid: pid, grace: grace)
        let timer = timeout.map { seconds in
            let item = DispatchWorkItem { [grace] in watch.terminate(timedOut: true, grace: grace) }
            ProcessGroups.timers.asyncAfter(deadline: .now() + seconds, execute: item)
            return item
        }
        let status = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // A serial queue of its own gets a thread of its own: a blocked waiter on the
                // global queue would hold one of its few threads (one per core, one in all for
                // a rank bound to a core by mpirun), starving Swift tasks and timers.
                DispatchQueue(label: "mpibatch-wait").async { continuation.resume(returning: watch.wait()) }
            }
        } onCancel: {
            watch.terminate(timedOut: false, grace: Self.cancelGrace)
        }
        timer?.cancel()
        if watch.timedOut { return .timedOut }
        return status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signaled(status & 0x7F)
    }

    private func spawn() throws(CommandFailure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        let output = O_WRONLY | O_CREAT | O_TRUNC
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, output, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, output, 0o644)
        if let workingDirectory {
            guard let addChdir = Self.addChdir else {
                throw .cannotStart(program: program, reason: "cwd: needs posix_spawn_file_actions_addchdir_np (glibc 2.29 or later)")
            }
            _ = addChdir(&actions, workingDirectory)
        }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let own = environment.map { strdup($0) }
        let envp = inherited.pointers + own + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in own { free(pointer) }
        }
        var pid: pid_t = 0
        let result =
            program.contains("/")
            ? posix_spawn(&pid, program, &actions, &attributes, argv, envp)
            : posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        guard result == 0 else {
            let reason = result == ENOENT && !program.contains("/") ? "not found on PATH" : String(cString: strerror(result))
            throw .cannotStart(program: program, reason: reason + (workingDirectory.map { " (cwd: \($0))" } ?? ""))
        }
        return pid
    }
}

extension CommandProcess {
    private typealias AddChdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np`, looked up at run time
    /// because Swift's Glibc module does not declare GNU extensions.
    private static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }
}

/// A running child's state, shared by its waiter, its timer and cancellation.
private final class Watch: Sendable {
    private struct State {
        var exited = false
        var timedOut = false
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

    /// Blocks until the child exits, ends the rest of its group, reaps it; returns the raw wait status.
    func wait() -> Int32 {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        state.withLock { $0.exited = true }
        kill(-pid, SIGTERM)  // the unreaped child keeps the group's id ours
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        ProcessGroups.shared.sweep(pid, grace: grace)
        return status
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
