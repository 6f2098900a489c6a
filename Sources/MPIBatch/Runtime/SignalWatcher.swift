import Dispatch
import Foundation

/// The signals that stop a run gracefully: the coordinator stops handing out
/// work, running tasks get a grace period, the journal is flushed, exit 3.
public enum InterruptSignal: Int32, Sendable, CaseIterable {
    /// `kill`, `scancel`, Slurm's time limit.
    case terminate = 15
    /// Ctrl-C.
    case interrupt = 2
    /// Slurm's `--signal=B:USR1@N` warning before the time limit (forwarded by the sbatch template).
    case user1 = 10

    /// `SIGTERM`, `SIGINT`, `SIGUSR1`.
    public var name: String {
        switch self {
        case .terminate: "SIGTERM"
        case .interrupt: "SIGINT"
        case .user1: "SIGUSR1"
        }
    }

    /// Seconds that running tasks get after this signal, given `--grace`. Open MPI's
    /// `mpirun`, on SIGTERM or SIGINT, passes SIGTERM to its ranks 1 s later and
    /// SIGKILLs them 1 s after that (measured, Open MPI 4.1): there tasks get at most
    /// `Self.underMpirunGrace`, which leaves the rank time to cancel the rest and
    /// write the journal and summary before it is killed.
    public func graceSeconds(configured: Double, underMpirun: Bool = Self.isUnderMpirun) -> Double {
        self == .user1 || !underMpirun ? configured : min(configured, Self.underMpirunGrace)
    }

    /// The grace period after SIGTERM or SIGINT under `mpirun`.
    public static let underMpirunGrace = 0.25

    /// Whether Open MPI's `mpirun` started this process (it sets `OMPI_MCA_orte_hnp_uri`).
    public static var isUnderMpirun: Bool { getenv("OMPI_MCA_orte_hnp_uri") != nil }
}

/// Turns the given signals into calls of `handler` on a Dispatch queue (never in
/// a signal handler), for as long as it lives.
///
/// The queue is a serial one of its own, which gets a thread when it needs one:
/// the global queue's few threads may all be blocked waiting for command tasks
/// (measured: a SIGTERM handled 0.6 s late on a rank of two cores), and under
/// `mpirun` the rank has 1 s in all.
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    init(signals: [InterruptSignal], handler: @escaping @Sendable (InterruptSignal) -> Void) {
        let queue = DispatchQueue(label: "mpibatch-signals")
        sources = signals.map { watched in
            signal(watched.rawValue, SIG_IGN)  // the default action would end the process at once
            let source = DispatchSource.makeSignalSource(signal: watched.rawValue, queue: queue)
            source.setEventHandler { handler(watched) }
            source.resume()
            return source
        }
    }

    /// Stops watching (the signals stay ignored until the process ends).
    func cancel() {
        for source in sources { source.cancel() }
    }
}
