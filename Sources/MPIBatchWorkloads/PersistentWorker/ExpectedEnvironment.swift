import MPIBatchCore
import Synchronization

/// What every worker of a rank's pool must say at its handshake it runs under: rank 0's
/// first worker's environment, set on every rank before any task runs. A worker that says
/// another cannot start, so path values never depend on which node computed them.
final class ExpectedEnvironment: Sendable {
    private let environment = Mutex<RunEnvironment?>(nil)

    /// Sets it (rank 0's worker's).
    func set(_ value: RunEnvironment) { environment.withLock { $0 = value } }

    /// Why a worker that says `said` may not run this pool's tasks; nil when it may (it says
    /// the same, or nothing, or nothing is expected).
    func refusal(of said: RunEnvironment?, rank: Int) -> String? {
        guard let said, let expected = environment.withLock({ $0 }), said.differs(from: expected) else { return nil }
        return "it runs under \(said.versions) on rank \(rank), but rank 0's worker runs under \(expected.versions): "
            + "the path values would depend on the node that computed them; load the same software on every node "
            + "(in the batch script, before mpirun or srun), then --resume"
    }
}
