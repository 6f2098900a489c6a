import Foundation
import Testing

@testable import MPIBatchWorkloads

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ProcessTableTests {
    /// `sh -c SCRIPT` leading a process group of its own, not reaped by anyone: its pid.
    private func spawn(_ script: String) throws -> pid_t {
        let started = GroupSpawn.start(
            "/bin/sh", arguments: ["sh", "-c", script], inherited: CommandEnvironment([]), own: [], workingDirectory: nil
        ) { _ in }
        return try started.get()
    }

    /// A group whose only member has exited and waits to be reaped (a zombie: what an orphan is
    /// while init has not reaped it) counts as ended, though `kill(-group, 0)` still finds it;
    /// a group with a member running does not; a reaped one is gone either way.
    @Test func aGroupOfZombiesHasNoMemberRunning() throws {
        let exited = try spawn("exit 0")
        let running = try spawn("sleep 30")
        defer {
            kill(-running, SIGKILL)
            var status: Int32 = 0
            waitpid(running, &status, 0)
        }
        var info = siginfo_t()
        #expect(waitid(P_PID, id_t(exited), &info, WEXITED | WNOWAIT) == 0)  // exited, left unreaped
        #expect(kill(-exited, 0) == 0)
        #expect(ProcessTable.running([exited, running]) == [running])
        var status: Int32 = 0
        waitpid(exited, &status, 0)
        #expect(ProcessTable.running([exited]).isEmpty)
    }
}
