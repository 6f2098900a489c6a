import MPIBatchCore
import SwiftMPI
import Synchronization

/// A rank's MPI finalize, started on a thread of its own as soon as the rank's messages are
/// over and waited for before the rank returns. Rank 0 then still writes its journal's last
/// lines, its summary and its reports, while every other rank waits in finalize for rank 0's:
/// started after them, finalize was the last ~50 ms of every run, for all ranks.
final class MPIFinalization: Sendable {
    private let link: RankLink
    private let launcher: LauncherWatch?
    private let thread = BackgroundLoop(name: "mpibatch-finalize")
    private let failure = Mutex<MPIError?>(nil)

    /// The finalize of `link`, unless `launcher` (under `mpirun`) is gone when it would start.
    init(link: RankLink, launcher: LauncherWatch?) {
        self.link = link
        self.launcher = launcher
    }

    /// Starts finalizing, once this rank has sent and received its last message, unless some rank
    /// went silent (`ranksLost`: finalize would wait for it forever; the caller aborts instead) or
    /// the launcher is gone (MPI would wait for it: the process just ends).
    func start(ranksLost: Bool) {
        guard !ranksLost, launcher?.launcherGone != true else { return }
        thread.start { [self] _ in
            if case .failure(let error) = Result(catching: { () throws(MPIError) in try link.finish() }) {
                failure.withLock { $0 = error }
            }
        }
    }

    /// Waits for the finalize started, if any; throws its error.
    func wait() throws(MPIError) {
        thread.stopAndJoin()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
