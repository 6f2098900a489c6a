import Dispatch
import Foundation
import MPIBatchRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Enforces a command task's `memory:`: every `intervalSeconds` it sums the proportional set
/// size (PSS: shared pages split between the processes sharing them, so a forked pool is not
/// counted N times) of every process in the task's process group, from `/proc/PID/smaps_rollup`,
/// and the first time the sum is over the limit it reports how much (`over`) and stops looking.
/// A task that allocates faster than that can overshoot before it is ended. Where there is no
/// `/proc` (macOS) it measures nothing.
final class MemoryWatchdog: Sendable {
    /// How often the group's memory is measured.
    static let intervalSeconds = 0.1

    private let stopped = Atomic<Bool>(false)

    /// Starts watching the group of `pid` (the task's process, its group's leader) against `limit` bytes.
    init(pid: pid_t, limit: Int, over: @escaping @Sendable (_ usedBytes: Int) -> Void) {
        look(pid: pid, limit: limit, over: over)
    }

    /// Stops watching (the task ended).
    func cancel() { stopped.store(true, ordering: .releasing) }

    private func look(pid: pid_t, limit: Int, over: @escaping @Sendable (Int) -> Void) {
        Self.queue.asyncAfter(deadline: .now() + Self.intervalSeconds) { [self] in
            guard !stopped.load(ordering: .acquiring) else { return }
            let used = Self.groupPSS(pid)
            guard used > limit else { return look(pid: pid, limit: limit, over: over) }
            stopped.store(true, ordering: .releasing)
            over(used)
        }
    }

    /// One thread for every watchdog of the rank: a measure is a few small reads.
    private static let queue = DispatchQueue(label: "mpibatch-memory-watchdog")

    /// Bytes of PSS of the processes in process group `group`.
    static func groupPSS(_ group: pid_t) -> Int {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        var total = 0
        for entry in entries {
            guard let pid = pid_t(entry), pid == group || processGroup(of: pid) == group else { continue }
            total += pss(of: pid)
        }
        return total
    }

    /// The process group of `pid` (`/proc/PID/stat`'s fifth field), or nil when it is gone.
    private static func processGroup(of pid: pid_t) -> pid_t? {
        guard let stat = NodeMemory.readSmallFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)": state, ppid, pgrp.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 ? pid_t(fields[2]) : nil
    }

    /// `Pss:` of `/proc/PID/smaps_rollup` in bytes (0 when the process is gone).
    private static func pss(of pid: pid_t) -> Int {
        guard let rollup = NodeMemory.readSmallFile("/proc/\(pid)/smaps_rollup"),
            let line = rollup.split(separator: "\n").first(where: { $0.hasPrefix("Pss:") }),
            let kibibytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return kibibytes << 10
    }
}
