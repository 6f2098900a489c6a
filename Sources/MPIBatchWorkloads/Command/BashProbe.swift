import MPIBatchCore
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks the installed bash, once, what environment it gives a program it runs: `bash -c
/// 'env -0'` with the tasks' inherited variables. `DirectSpawn` starts lines without bash
/// only where this is exactly what `BashStartup` predicts, so a bash that treats the
/// environment otherwise (another version, a build with other defaults) keeps every line.
enum BashProbe {
    /// The `NAME=value` strings `shell -c 'env -0'` gives `env`, run with `variables` in this
    /// process's directory; nil when it cannot run or does not finish within 10 seconds.
    static func environment(shell: String, variables: [String]) -> Set<String>? {
        guard case .success(let pipe) = Platform.closeOnExecPipe() else { return nil }
        let output = FileDescriptor(rawValue: pipe.read)
        defer { try? output.close() }
        let started = GroupSpawn.start(
            shell, arguments: [shell, "-c", "env -0"], inherited: CommandEnvironment(variables), own: [], workingDirectory: nil
        ) { actions in
            posix_spawn_file_actions_adddup2(&actions, pipe.write, 1)
        }
        try? FileDescriptor(rawValue: pipe.write).close()
        guard case .success(let pid) = started else { return nil }
        defer {
            kill(-pid, SIGKILL)  // for one that hangs; one that exited holds an empty group until reaped
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let deadline = MonotonicClock.nanoseconds() &+ 10_000_000_000
        while MonotonicClock.nanoseconds() < deadline {
            var ready = pollfd(fd: pipe.read, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) >= 0 || errno == EINTR else { return nil }
            guard ready.revents != 0 else { continue }
            guard let count = try? buffer.withUnsafeMutableBytes({ try output.read(into: $0) }) else { return nil }
            if count == 0 {
                return Set(bytes.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) })
            }
            bytes += buffer[..<count]
        }
        return nil
    }
}
