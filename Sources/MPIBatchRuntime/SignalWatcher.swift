import Dispatch
import Foundation
import MPIBatchCore
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

/// Turns the run's signals into calls of a handler on a Dispatch queue (never in a signal
/// handler), saying whether the signal came before.
///
/// One watcher serves the process. `mpibatch run` starts it (`catchFromStart`) as soon as it
/// has read the job, before MPI's start-up and a model's import, because until a signal is watched its
/// default action ends the process: a Ctrl-C or an `scancel` that reached a rank still starting
/// (under load, a second or more) killed it with no summary. Signals that come before the run
/// attaches its handler wait, in order, and reach it as it attaches, so the run stops before
/// its first task. A second SIGINT while nothing is attached ends the process at once (status
/// 130: nothing has run). Once the run detaches, its signals are ignored, as they were.
///
/// The queue is a serial one of its own, which gets a thread when it needs one:
/// the global queue's few threads may all be blocked waiting for command tasks
/// (measured: a SIGTERM handled 0.6 s late on a rank of two cores), and under
/// `mpirun` the rank has 1 s in all.
package final class SignalWatcher: Sendable {
    /// What a run watching signals is called with: the signal, and whether it came before.
    package typealias Handler = @Sendable (Int32, _ repeated: Bool) -> Void

    /// The process's watcher, once something watches signals.
    private static let process = Mutex<SignalWatcher?>(nil)

    private let queue = DispatchQueue(label: "mpibatch-signals")
    private let state = Mutex(State())
    /// Kept so the sources live as long as the process.
    private let sources = Mutex<[Int32: any DispatchSourceSignal]>([:])

    private struct State {
        var handler: Handler?
        /// The signals the attached run asked for.
        var wanted: Set<Int32> = []
        /// Signals that came while nothing was attached, in order.
        var pending: [(signal: Int32, repeated: Bool)] = []
        /// Arrivals of each signal since the process started or the last run detached.
        var arrivals: [Int32: Int] = [:]
        /// A run has detached: signals are ignored until another attaches.
        var detached = false
    }

    private init() {}

    /// Watches `signals` from now on, holding their arrivals for the run that will attach.
    package static func catchFromStart(_ signals: [Int32]) {
        shared().watch(signals)
    }

    /// `operation`'s value, or nil as soon as a signal that stops a run (`InterruptSignal`), but
    /// SIGINT, has come while no run is attached: `operation` is then cancelled (it must end
    /// when it is). A rank still starting goes on at once to start its run, which stops and
    /// writes its summary: a Ctrl-C to `mpirun` reaches its ranks as SIGCONT, then SIGTERM and a
    /// second later SIGKILL, and rank 0 waiting out its worker's start-up (an interpreter's
    /// import, under load) was killed with no summary. A SIGINT (a terminal's Ctrl-C, with no
    /// SIGKILL after it; a second one ends the process at once) still lets it finish.
    package static func unlessStopped<Value: Sendable>(_ operation: @escaping @Sendable () async -> Value) async -> Value? {
        let watcher = shared()
        return await withTaskGroup(of: Value?.self) { group in
            group.addTask { await operation() }
            group.addTask {
                while !Task.isCancelled, !watcher.stopPending { try? await Task.sleep(nanoseconds: 10_000_000) }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Whether a signal that stops a run, but SIGINT, came while none was attached.
    private var stopPending: Bool {
        state.withLock { state in state.pending.contains { $0.signal != SIGINT && InterruptSignal(rawValue: $0.signal) != nil } }
    }

    /// Calls `handler` for each of `signals` from now on, first with those that came since
    /// `catchFromStart` (in order), until `detach` is called on the returned watcher.
    package static func attach(_ signals: [Int32], handler: @escaping Handler) -> SignalWatcher {
        guard !signals.isEmpty else { return SignalWatcher() }  // watches nothing (tests): leaves the process's alone
        let watcher = shared()
        watcher.watch(signals)
        // On the queue, so no signal arriving meanwhile overtakes those that came before.
        watcher.queue.sync {
            let waiting = watcher.state.withLock { state in
                state.handler = handler
                state.wanted = Set(signals)
                state.detached = false
                defer { state.pending = [] }
                return state.pending.filter { signals.contains($0.signal) }
            }
            for arrival in waiting { handler(arrival.signal, arrival.repeated) }
        }
        return watcher
    }

    /// Stops calling the attached handler (the signals stay ignored until the process ends or another run attaches).
    package func detach() {
        queue.sync {
            state.withLock { state in
                state = State()
                state.detached = true
            }
        }
    }

    static func shared() -> SignalWatcher {
        process.withLock { watcher in
            if let watcher { return watcher }
            let made = SignalWatcher()
            watcher = made
            return made
        }
    }

    private func watch(_ signals: [Int32]) {
        sources.withLock { sources in
            for watched in signals where sources[watched] == nil {
                signal(watched, SIG_IGN)  // the default action would end the process at once (SIGCONT still continues it)
                let source = DispatchSource.makeSignalSource(signal: watched, queue: queue)
                source.setEventHandler { [self] in
                    // Two signals close together may come as one event: its data counts them.
                    arrived(watched, count: Int(source.data))
                }
                source.resume()
                sources[watched] = source
            }
        }
    }

    /// What one arrival calls for, decided under the lock and done outside it.
    private enum Reaction {
        case ignore
        case call(Handler, repeated: Bool)
        case noteStarting
        case endNow
    }

    /// `count` arrivals of `number` (the sources' handler; tests call it to stand in for a signal).
    func arrived(_ number: Int32, count: Int) {
        let reaction = state.withLock { state -> Reaction in
            let before = state.arrivals[number, default: 0]
            state.arrivals[number] = before + count
            let repeated = before > 0 || count > 1
            if let handler = state.handler {
                return state.wanted.contains(number) ? .call(handler, repeated: repeated) : .ignore
            }
            if state.detached { return .ignore }
            state.pending.append((number, repeated))
            guard number == SIGINT else { return .ignore }
            return repeated ? .endNow : .noteStarting
        }
        switch reaction {
        case .ignore: break
        case .call(let handler, let repeated): handler(number, repeated)
        case .noteStarting: Diagnostics.say("SIGINT while starting: the run stops as soon as it starts (Ctrl-C again to end now)")
        case .endNow: exit(130)  // atexit ends the process groups of any worker already started
        }
    }
}
