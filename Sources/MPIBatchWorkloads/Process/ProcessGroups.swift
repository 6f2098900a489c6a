#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CProcessGuard
import Dispatch
import Synchronization

/// The process groups of this rank's command tasks that may still have members,
/// so that nothing a task started outlives it.
///
/// Every command task leads a group of its own. When the leader exits, the group
/// gets SIGTERM at once (while the unreaped leader still holds the group's id),
/// then `sweep` watches it and sends SIGKILL to whatever is left after a grace
/// period. When this process exits (`exit`, a return from `main`), every group
/// still known gets SIGTERM and, a quarter of a second later, SIGKILL; a persistent
/// worker still running then (its leader is reaped by no one else) is reaped as it
/// goes, or its zombie would hold the group for the whole quarter second.
///
/// A group's id is its leader's pid, which the kernel does not hand out again
/// while any member of the group is alive, and a group found empty is forgotten
/// within 50 ms: a signal meant for a finished task never reaches a new process.
///
/// A rank killed outright (SIGKILL, a lost node's OOM killer) runs no exit code, so a
/// guard process forked when the first group starts (`cprocessguard_start`) is told of
/// every group as it comes and goes; when the rank's end of their pipe closes, however
/// the rank died, the guard ends the groups still alive.
final class ProcessGroups: Sendable {
    /// This process's groups.
    static let shared = ProcessGroups()

    /// Where kills are timed: a serial queue, so it has a thread of its own (on Linux)
    /// and children waited for on the global queue can never delay a kill.
    static let timers = DispatchQueue(label: "mpibatch-process-timers")

    private let live = Mutex<Set<pid_t>>([])
    /// The groups of `live` whose leader `endAll` reaps (`insert(_:reapedAtExit:)`).
    private let reapedAtExit = Mutex<Set<pid_t>>([])
    /// The pipe to the guard, or -1 when it could not be started (then only exit paths clean up).
    private let guardPipe: Int32

    private init() {
        guardPipe = cprocessguard_start()
        atexit { ProcessGroups.shared.endAll(grace: 0.25) }
    }

    /// Sends `signal` to every process of `group` (what a type with a `kill` of its own calls).
    static func signal(_ group: pid_t, _ signal: Int32) {
        _ = kill(-group, signal)
    }

    /// Starts tracking `group` (a task's leader was just spawned with it). With
    /// `reapedAtExit`, the leader is a child that no thread waits for while it runs (a
    /// persistent worker): `endAll` reaps it when it has gone.
    func insert(_ group: pid_t, reapedAtExit: Bool = false) {
        _ = live.withLock { $0.insert(group) }
        if reapedAtExit { _ = self.reapedAtExit.withLock { $0.insert(group) } }
        tellGuard(Int32(group))
    }

    /// One record to the guard: a group started (positive) or gone (negative). A 4-byte
    /// write to a pipe is atomic, so records from several threads never interleave.
    private func tellGuard(_ record: Int32) {
        guard guardPipe >= 0 else { return }
        var record = record
        _ = withUnsafeBytes(of: &record) { write(guardPipe, $0.baseAddress, $0.count) }
    }

    /// `group`'s leader has exited and been reaped, after the group got SIGTERM:
    /// forgets the group once no member runs, and SIGKILLs what is left after `grace` seconds.
    func sweep(_ group: pid_t, grace: Double) {
        watch(group, killAt: .now() + grace)
    }

    private func watch(_ group: pid_t, killAt deadline: DispatchTime) {
        guard !ProcessTable.running([group]).isEmpty else { return forget(group) }
        guard DispatchTime.now() < deadline else {
            kill(-group, SIGKILL)
            return forget(group)
        }
        Self.timers.asyncAfter(deadline: min(deadline, .now() + 0.05)) { self.watch(group, killAt: deadline) }
    }

    private func forget(_ group: pid_t) {
        _ = live.withLock { $0.remove(group) }
        _ = reapedAtExit.withLock { $0.remove(group) }
        tellGuard(-Int32(group))
    }

    /// SIGTERM to every group, then SIGKILL after `grace` seconds to those with a member
    /// still running (`ProcessTable`: an orphan's zombie waiting for init ends nothing).
    func endAll(grace: Double) {
        let groups = live.withLock { $0 }
        guard !groups.isEmpty else { return }
        let leaders = reapedAtExit.withLock { $0 }.intersection(groups)
        for group in groups { kill(-group, SIGTERM) }
        let deadline = DispatchTime.now() + grace
        var left = groups
        while !left.isEmpty, DispatchTime.now() < deadline {
            usleep(1_000)
            var status: Int32 = 0
            for leader in leaders.intersection(left) { _ = waitpid(leader, &status, WNOHANG) }  // a zombie holds the group
            left = ProcessTable.running(left)
        }
        for group in left { kill(-group, SIGKILL) }
        live.withLock { $0.subtract(groups) }
        for group in groups { tellGuard(-Int32(group)) }
    }
}
