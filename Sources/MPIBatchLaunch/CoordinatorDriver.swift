import Foundation
import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchPlan
import MPIBatchReporting
import MPIBatchRuntime
import MPIBatchScheduling
import Synchronization

/// Runs the `Coordinator` state machine on rank 0: feeds it messages, carries out its
/// actions (send, journal, finish) and keeps the statistics.
///
/// The communication loop owns the coordinator: a rank's message arrives there (`handle`),
/// and every other thread — the watchdog, the effects queue, a signal, a status request —
/// posts its event there (`OwnerLoop`) instead of taking the coordinator itself. So the
/// coordinator's decisions are made one at a time and carried out where they were made, in
/// the order made: no assignment can leave after the stop that came before it.
final class CoordinatorDriver: Sendable {
    /// What the loop owns. Only the loop changes it, and only the loop acts on what the
    /// coordinator decides; the lock lets the status and the summary read it from their
    /// threads (once a period, and once at the end: it is all but never contended).
    struct Owned {
        var coordinator: Coordinator
        var statistics: RunStatistics
        var lastHeard: [UInt64]
        /// Every stage `mpibatch cancel --stage` cancelled (earlier parts included), as
        /// written to `cancelled-stages.json`.
        var cancelledStages: [String]
    }

    let owned: Mutex<Owned>
    let loop: OwnerLoop
    private let transport: any Transport
    private let journal: Journal
    let startedAt = MonotonicClock.nanoseconds()
    let startedAtEpoch = Date().timeIntervalSince1970
    /// Fires when every rank has reported done.
    let finished = OneShot()
    private let watchdog = BackgroundLoop(name: "mpibatch-watchdog")
    /// Where stage values go.
    private let stageValues: StageValues
    /// The run directory, for `early-stops.json` and `cancelled-stages.json`.
    let outputDirectory: String
    /// Carries out the work source's effects and records early stops, in order, off the
    /// communication thread; their outcomes come back to the loop as events.
    let effects = DispatchQueue(label: "mpibatch-effects")
    /// Every early stop of the run (earlier parts included), as written to `early-stops.json`
    /// (on the effects queue only).
    private let earlyStops: Mutex<[EarlyStop]>
    /// Expands a stage's run-time table (a stage graph's; nil for other workloads).
    private let expandStage: (@Sendable (Int) -> Result<Int, RunTimeTableError>)?

    /// A driver of `coordinator` on `transport`'s loop; stage values go through `stageValues`,
    /// early stops and cancelled stages to `outputDirectory`, after `earlierStops` and
    /// `earlierCancelledStages` (a resumed run's).
    init(
        coordinator: sending Coordinator, statistics: RunStatistics, transport: any Transport, journal: Journal,
        stageValues: StageValues = StageValues(directory: nil), outputDirectory: String = "", earlierStops: [EarlyStop] = [],
        earlierCancelledStages: [String] = [], expandStage: (@Sendable (Int) -> Result<Int, RunTimeTableError>)? = nil
    ) {
        self.expandStage = expandStage
        owned = Mutex(Owned(
            coordinator: coordinator, statistics: statistics,
            lastHeard: Array(repeating: MonotonicClock.nanoseconds(), count: statistics.slots.count),
            cancelledStages: earlierCancelledStages))
        loop = OwnerLoop(transport: transport)
        self.transport = transport
        self.journal = journal
        self.stageValues = stageValues
        self.outputDirectory = outputDirectory
        earlyStops = Mutex(earlierStops)
    }

    /// Lets the coordinator act before any message (an empty workload finishes at once),
    /// and starts watching for ranks silent longer than `silenceLimitSeconds`.
    func start(silenceLimitSeconds: Double) {
        post(.start)
        let limit = UInt64(max(0.05, silenceLimitSeconds) * 1e9)
        watchdog.start { [self] watch in
            while !watch.wait(seconds: min(0.5, silenceLimitSeconds / 4)), !watch.isStopping {
                post(.silenceCheck(limitNanoseconds: limit))
            }
        }
    }

    /// The run is over (`finished` fired): ends the watch for silent ranks and closes the
    /// loop to events; call before the transport's `stop`, which runs what was posted before.
    func close() {
        watchdog.stopAndJoin()
        loop.close()
    }

    /// Feeds one message from `source` to the coordinator; on the loop only (the transport's
    /// handler, or work posted to it).
    func handle(_ message: RuntimeMessage, from source: Int) {
        owned.withLock { apply(.message(message, from: source), to: &$0) }
    }

    /// Posts `event` to the loop (dropped once the run is over and the loop closed: the
    /// coordinator has finished and acts on nothing more).
    func post(_ event: RankZeroEvent) {
        loop.post { [self] in owned.withLock { apply(event, to: &$0) } }
    }

    /// Stops at once, cancelling running tasks: the run cannot go on.
    func abort(reason: String) {
        post(.abort(reason: reason))
    }

    /// Stops handing out work: every rank drains and reports; with `graceSeconds`, running
    /// tasks are cancelled after it (`interrupted`).
    func interrupt(reason: String, graceSeconds: Double? = nil) {
        post(.interrupt(reason: reason, graceSeconds: graceSeconds))
    }

    /// Lets the coordinator decide on `event` and carries out what it decided, in order; on the loop only.
    private func apply(_ event: RankZeroEvent, to owned: inout Owned) {
        let actions: [CoordinatorAction]
        switch event {
        case .start:
            actions = owned.coordinator.start()
        case .message(let message, let source):
            // A node writer's relayed message is its rank's word, its heartbeats its ranks' (the coordinator checks the ranks).
            switch message {
            case .relayed(let origin, _) where origin < owned.lastHeard.count:
                owned.lastHeard[origin] = MonotonicClock.nanoseconds()
            case .heartbeats(_, let ranks):
                let now = MonotonicClock.nanoseconds()
                for rank in ranks where rank < owned.lastHeard.count { owned.lastHeard[rank] = now }
            case .finished(let outcomes):
                let now = MonotonicClock.nanoseconds()
                for outcome in outcomes where outcome.rank < owned.lastHeard.count { owned.lastHeard[outcome.rank] = now }
            default: break
            }
            owned.lastHeard[source] = MonotonicClock.nanoseconds()
            actions = owned.coordinator.handle(message, from: source)
        case .silenceCheck(let limit):
            actions = abandonSilent(&owned, limitNanoseconds: limit)
        case .stageValueStored(let stage, let failure):
            actions = owned.coordinator.stageValueStored(stage, failure: failure)
        case .stageExpanded(let stage, let outcome):
            actions = owned.coordinator.stageExpanded(stage, outcome: outcome)
        case .interrupt(let reason, let graceSeconds):
            actions = owned.coordinator.interrupt(reason: reason, graceSeconds: graceSeconds)
        case .abort(let reason):
            actions = owned.coordinator.abort(reason: reason)
        }
        perform(actions, &owned)
    }

    /// Gives up on ranks not heard from for `limit` nanoseconds (their heartbeats come far more often).
    private func abandonSilent(_ owned: inout Owned, limitNanoseconds limit: UInt64) -> [CoordinatorAction] {
        guard !owned.coordinator.isFinished else { return [] }
        let now = MonotonicClock.nanoseconds()
        let lastHeard = owned.lastHeard
        let silent = lastHeard.indices.filter { rank in
            !owned.coordinator.isDone(rank: rank) && now &- lastHeard[rank] > limit
        }
        guard let longest = silent.map({ now &- lastHeard[$0] }).max() else { return [] }
        return owned.coordinator.abandon(ranks: silent, silentFor: Double(longest) * 1e-9)
    }

    /// Carries out the coordinator's `actions` in the order it decided them; on the loop only.
    func perform(_ actions: [CoordinatorAction], _ owned: inout Owned) {
        for action in actions {
            switch action {
            case .send(let message, let destination):
                transport.send(message.encoded(), to: destination)
            case .record(let records):
                journal.append(records)
                owned.statistics.add(records)
            case .tally(let records):
                owned.statistics.add(records)
            case .tallySucceeded(let run):
                owned.statistics.add(run)
            case .finished:
                // Whatever effect is still queued (a last stage's value) is done before the run ends.
                effects.async { [finished] in finished.fire() }
            case .effect(let effect):
                effects.async { [self] in carryOut(effect) }
            case .recordEarlyStop(let stop):
                effects.async { [self] in record(stop) }
            }
        }
    }

    /// Carries out one of the work source's effects (on the effects queue); its outcome goes back to the loop.
    private func carryOut(_ effect: SourceEffect) {
        switch effect {
        case .storeStageValue(let stage, let name, let bytes):
            var failure: String?
            do { try stageValues.store(bytes, of: name) } catch { failure = "\(error)" }
            post(.stageValueStored(stage: stage, failure: failure))
        case .expandStage(let stage):
            let outcome = expandStage?(stage) ?? .failure(RunTimeTableError("this workload has no stage to expand"))
            post(.stageExpanded(stage: stage, outcome: outcome))
        case .warn(let message):
            Diagnostics.warning(message)
        }
    }

    /// Adds `stop` to `early-stops.json` (on the effects queue).
    private func record(_ stop: EarlyStop) {
        let stops = earlyStops.withLock { stops in
            stops.append(stop)
            return stops
        }
        guard !outputDirectory.isEmpty else { return }
        do {
            try RunRecordFile.earlyStops.write(stops, to: outputDirectory)
        } catch {
            Diagnostics.warning("early stop not recorded (a resume would run its scope again): \(error)")
        }
    }
}
