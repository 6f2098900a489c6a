import MPIBatchCore
import MPIBatchRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// A running worker process: spawned in a process group of its own (the rank's process
/// guard ends it if the rank dies), with stdin from `/dev/null`, stdout and stderr into
/// files of its own (`WorkerSpool`) and two stream sockets for the protocol, passed as
/// descriptors 3 (tasks in) and 4 (results out) and named in `MPIBATCH_WORKER_FDS`, and, when
/// asked for, a ring of shared memory for float64 values as descriptor 5 (`WorkerSharedValues`).
///
/// Used by one slot at a time (`WorkerSlot`); not shared.
final class WorkerProcess {
    /// The worker's pid, also its process group's id.
    let pid: pid_t
    /// Where mpibatch writes frames (the worker's descriptor 3 is the other end).
    private var toWorker: Int32
    /// Where mpibatch reads frames (the worker's descriptor 4 is the other end).
    private var fromWorker: Int32
    /// Its stdout and stderr files.
    let spool: WorkerSpool
    /// The ring its float64 values may come in, offered at its `hello`; nil when none was
    /// asked for or the system gave none.
    let shared: WorkerSharedValues?
    private var reaped: Int32?

    /// The descriptors the worker finds its protocol on.
    static let descriptors: (tasks: Int32, results: Int32) = (3, 4)
    /// The variable naming them.
    static let descriptorsVariable = "MPIBATCH_WORKER_FDS"

    /// Starts `launch.arguments` with `launch`'s environment and directory, with a ring of
    /// `sharedBytes` for its float64 values when that is above 0.
    init(_ launch: WorkerLaunch.Resolved, spool: WorkerSpool, sharedBytes: Int = 0) throws(WorkerStartFailure) {
        var tasks: [Int32] = [-1, -1]
        var results: [Int32] = [-1, -1]
        guard Self.socketPair(&tasks), Self.socketPair(&results) else {
            for fd in tasks + results where fd >= 0 { close(fd) }
            throw WorkerStartFailure(worker: launch.description, reason: "cannot make its protocol sockets: \(String(cString: strerror(errno)))")
        }
        Self.widenSendBuffer(of: results[1])
        let memory = sharedBytes > 0 ? WorkerSharedValues.Unreserved(bytes: sharedBytes) : nil
        let program = launch.arguments[0]
        let started = GroupSpawn.start(
            program, arguments: launch.arguments, inherited: launch.inherited, own: launch.environment,
            workingDirectory: launch.workingDirectory
        ) { actions in
            posix_spawn_file_actions_adddup2(&actions, spool.writers[0], 1)
            posix_spawn_file_actions_adddup2(&actions, spool.writers[1], 2)
            // The socket ends are close-on-exec and numbered 10 or above: dup2 onto 3 and 4 clears the flag on the copies only.
            posix_spawn_file_actions_adddup2(&actions, tasks[1], Self.descriptors.tasks)
            posix_spawn_file_actions_adddup2(&actions, results[1], Self.descriptors.results)
            if let memory { posix_spawn_file_actions_adddup2(&actions, memory.fd, WorkerSharedValues.descriptor) }
        }
        close(tasks[1])
        close(results[1])
        spool.closeWriters()
        let pid: pid_t
        switch started {
        case .success(let spawned): pid = spawned
        case .failure(let failure):
            close(tasks[0])
            close(results[0])
            throw WorkerStartFailure(
                worker: launch.description,
                reason: "cannot start \(program): " + failure.reason(program: program, workingDirectory: launch.workingDirectory))
        }
        ProcessGroups.shared.insert(pid, reapedAtExit: true)
        self.pid = pid
        self.spool = spool
        // Reserved now, while the worker's interpreter starts: it reads its hello (which offers
        // the ring) well after.
        shared = memory?.reserved()
        toWorker = tasks[0]
        fromWorker = results[0]
    }

    deinit {
        if toWorker >= 0 { close(toWorker) }
        if fromWorker >= 0 { close(fromWorker) }
    }

    /// A connected pair of stream sockets, close-on-exec, numbered 10 or above.
    private static func socketPair(_ pair: inout [Int32]) -> Bool {
        guard let made = Platform.closeOnExecSocketPair() else { return false }
        let raw = [made.0, made.1]
        for side in 0..<2 {
            pair[side] = fcntl(raw[side], F_DUPFD_CLOEXEC, 10)
            close(raw[side])
        }
        return pair[0] >= 0 && pair[1] >= 0
    }

    /// The send buffer asked for on the worker's results socket: a Monte Carlo block's float64
    /// values (512 KB at 65,536 paths) go in one write, and mpibatch reads them at one wake-up,
    /// not three (the default, 208 KB, left the worker waiting for each third of a block to be
    /// read). The system's limit (`net.core.wmem_max`) may give less; nothing is allocated
    /// until bytes are in flight.
    static let resultsSendBufferBytes: Int32 = 1 << 21

    /// Asks for `resultsSendBufferBytes` on socket `fd`; a refusal leaves the default.
    private static func widenSendBuffer(of fd: Int32) {
        var bytes = resultsSendBufferBytes
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Sends `bytes` whole; false when the worker has closed its end (it died).
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Platform.sendWithoutSignal(toWorker, UnsafeRawBufferPointer(rebasing: $0[sent...])) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    /// What one wait for bytes from the worker gave.
    enum Read {
        /// Bytes went into the reader.
        case bytes
        /// Nothing came within the wait.
        case nothing
        /// The worker closed its end (it exited or died).
        case ended
    }

    /// Adds what the worker has sent to `reader`, waiting up to `milliseconds` when nothing is there yet.
    func read(into reader: inout WorkerFrameReader, waiting milliseconds: Int32) -> Read {
        var count = reader.receive(receive)
        if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
            var descriptor = pollfd(fd: fromWorker, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, milliseconds) > 0 else { return .nothing }
            count = reader.receive(receive)
        }
        if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .nothing }
        return count > 0 ? .bytes : .ended
    }

    /// Whether the worker has exited (it stays unreaped): its sockets may outlive it in a
    /// child that inherited them, so end of file alone cannot tell.
    var hasExited: Bool {
        guard reaped == nil else { return true }
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_signo == SIGCHLD
    }

    /// One non-blocking receive into `room`: the byte count, 0 at end of stream, -1 (errno set) otherwise.
    private func receive(into room: UnsafeMutableRawBufferPointer) -> Int {
        recv(fromWorker, room.baseAddress, room.count, Int32(MSG_DONTWAIT))
    }

    /// Kills the group at once (an exiting worker keeps the exit status it chose) and reaps
    /// the worker; says how it ended (`exited with status 3`, `killed by signal 9 (Killed)`).
    @discardableResult
    func kill() -> String {
        if let reaped { return Self.describe(reaped) }
        ProcessGroups.signal(pid, SIGKILL)  // the unreaped leader keeps the group's id ours
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        reaped = raw
        ProcessGroups.shared.sweep(pid, grace: 0)
        return Self.describe(raw)
    }

    /// Stops the worker as a run ends with it idle: closes its task socket (it exits on end
    /// of file), and on a thread of its own reaps it, killing its group after `grace` seconds
    /// if it has not gone; `ended`, when given, is left once it is reaped.
    func retire(grace: Double = 2, ended: DispatchGroup? = nil) {
        close(toWorker)
        close(fromWorker)
        toWorker = -1
        fromWorker = -1
        guard reaped == nil else { return }
        reaped = 0
        let pid = pid
        ended?.enter()
        DispatchQueue(label: "mpibatch-worker-retire").async {
            defer { ended?.leave() }
            let deadline = MonotonicClock.nanoseconds() &+ UInt64(grace * 1e9)
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0, info.si_signo != SIGCHLD,
                MonotonicClock.nanoseconds() < deadline
            {
                usleep(10_000)
            }
            ProcessGroups.signal(pid, SIGKILL)  // gone or not, its group ends; the leader is not reaped yet
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            ProcessGroups.shared.sweep(pid, grace: 0)
        }
    }

    /// How the reaped worker ended, for the journal's `exit_code` and `signal`; both nil while it runs.
    var ending: (exitCode: Int32?, signal: Int32?) {
        guard let reaped else { return (nil, nil) }
        let signal = reaped & 0x7F
        return signal == 0 ? ((reaped >> 8) & 0xFF, nil) : (nil, signal)
    }

    /// `exited with status 3`, `killed by signal 11 (SIGSEGV)`.
    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7F
        guard signal != 0 else { return "exited with status \((status >> 8) & 0xFF)" }
        let name = strsignal(signal).map { String(cString: $0) } ?? "signal"
        return "killed by signal \(signal) (\(name))"
    }
}
