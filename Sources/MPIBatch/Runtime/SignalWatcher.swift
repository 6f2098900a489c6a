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
}

/// Turns the given signals into calls of `handler` on a Dispatch queue (never in
/// a signal handler), for as long as it lives.
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    init(signals: [InterruptSignal], handler: @escaping @Sendable (String) -> Void) {
        sources = signals.map { watched in
            signal(watched.rawValue, SIG_IGN)  // the default action would end the process at once
            let source = DispatchSource.makeSignalSource(signal: watched.rawValue, queue: .global())
            source.setEventHandler { handler(watched.name) }
            source.resume()
            return source
        }
    }

    /// Stops watching (the signals stay ignored until the process ends).
    func cancel() {
        for source in sources { source.cancel() }
    }
}
