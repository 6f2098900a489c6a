import Dispatch
import Foundation
import Synchronization

/// The signals that stop a run gracefully: the coordinator stops handing out
/// work, running tasks get a grace period, the journal is flushed, exit 3.
public enum InterruptSignal: Int32, Sendable, CaseIterable {
    /// `kill`, `scancel`, Slurm's time limit.
    case terminate = 15
    /// Ctrl-C.
    case interrupt = 2
    /// Slurm's `--signal=B:USR1@N` warning before the time limit (forwarded by the sbatch template).
    case user1 = 10
    /// A closed terminal, a dropped ssh connection.
    case hangup = 1

    /// `SIGTERM`, `SIGINT`, `SIGUSR1`, `SIGHUP`.
    public var name: String {
        switch self {
        case .terminate: "SIGTERM"
        case .interrupt: "SIGINT"
        case .user1: "SIGUSR1"
        case .hangup: "SIGHUP"
        }
    }

    /// Seconds that running tasks get after this signal, given `--grace`. Open MPI's
    /// `mpirun`, on SIGTERM or SIGINT, passes SIGTERM to its ranks 1 s later and
    /// SIGKILLs them 1 s after that (measured, Open MPI 4.1): there tasks get at most
    /// `Self.underMpirunGrace`, which leaves the rank time to cancel the rest and
    /// write the journal and summary before it is killed. A `repeated` SIGINT (Ctrl-C
    /// twice) ends the grace at once.
    public func graceSeconds(configured: Double, underMpirun: Bool = Self.isUnderMpirun, repeated: Bool = false) -> Double {
        if self == .interrupt, repeated { return 0 }
        return self == .user1 || !underMpirun ? configured : min(configured, Self.underMpirunGrace)
    }

    /// The grace period after SIGTERM or SIGINT under `mpirun`.
    public static let underMpirunGrace = 0.25

    /// Whether Open MPI's `mpirun` started this process (it sets `OMPI_MCA_orte_hnp_uri`).
    public static var isUnderMpirun: Bool { getenv("OMPI_MCA_orte_hnp_uri") != nil }
}

/// Turns the given signals into calls of `handler` on a Dispatch queue (never in
/// a signal handler), for as long as it lives, saying whether the signal came before.
///
/// The queue is a serial one of its own, which gets a thread when it needs one:
/// the global queue's few threads may all be blocked waiting for command tasks
/// (measured: a SIGTERM handled 0.6 s late on a rank of two cores), and under
/// `mpirun` the rank has 1 s in all.
package final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    package init(signals: [Int32], handler: @escaping @Sendable (Int32, _ repeated: Bool) -> Void) {
        let queue = DispatchQueue(label: "mpibatch-signals")
        sources = signals.map { watched in
            signal(watched, SIG_IGN)  // the default action would end the process at once (SIGCONT still continues it)
            let source = DispatchSource.makeSignalSource(signal: watched, queue: queue)
            let arrivals = Arrivals()
            source.setEventHandler {
                // Two signals close together may come as one event: its data counts them.
                let before = arrivals.count.add(Int(source.data), ordering: .relaxed).oldValue
                handler(watched, before > 0 || source.data > 1)
            }
            source.resume()
            return source
        }
    }

    /// Stops watching (the signals stay ignored until the process ends).
    package func cancel() {
        for source in sources { source.cancel() }
    }
}

/// How many times one signal has arrived.
private final class Arrivals: Sendable {
    let count = Atomic<Int>(0)
}
