import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchWorkloads

/// What `Platform` promises on this C library: descriptors a spawned child cannot inherit, a
/// send to a peer that has gone that fails instead of killing the rank, usage in bytes.
@Suite struct PlatformTests {
    @Test func pipeEndsAreCloseOnExec() throws {
        let ends = try Platform.closeOnExecPipe().get()
        defer { for end in [ends.read, ends.write] { close(end) } }
        #expect(fcntl(ends.read, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(ends.write, F_GETFD) & FD_CLOEXEC != 0)
    }

    /// SIGPIPE is blocked on this thread meanwhile, so a send that raised it would leave it
    /// pending here (Linux keeps a blocked signal pending even where it is ignored), taken
    /// back before the thread's mask is restored.
    @Test func aSendToAClosedPeerIsEPIPENotASignal() throws {
        let pair = try #require(Platform.closeOnExecSocketPair())
        defer { close(pair.0) }
        #expect(fcntl(pair.0, F_GETFD) & FD_CLOEXEC != 0 && fcntl(pair.1, F_GETFD) & FD_CLOEXEC != 0)
        close(pair.1)
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var mask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &mask)
        let sent = [UInt8](repeating: 7, count: 16).withUnsafeBytes { Platform.sendWithoutSignal(pair.0, $0) }
        let code = errno
        var pending = sigset_t()
        sigpending(&pending)
        let raised = sigismember(&pending, SIGPIPE) == 1
        var now = timespec()
        if raised { _ = sigtimedwait(&pipeSignal, nil, &now) }
        pthread_sigmask(SIG_SETMASK, &mask, nil)
        #expect(sent == -1 && code == EPIPE)
        #expect(!raised, "the send raised SIGPIPE")
    }

    @Test func peakMemoryIsInBytes() {
        // This test process has touched more than a megabyte; KiB taken for bytes would say less.
        #expect(Platform.maxRSSBytes(Platform.ownUsage()) > 1 << 20)
    }
}
