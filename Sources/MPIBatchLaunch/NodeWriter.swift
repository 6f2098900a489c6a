import MPIBatchCore
import MPIBatchJournal
import MPIBatchRuntime
import MPIBatchScheduling
import Synchronization

/// The journal writer of a node other than rank 0's, on the node's lowest rank (rank 0's own
/// node is journaled by rank 0's driver). The node's ranks send it their messages for the
/// coordinator; it journals their finished attempts in the node's shard on the run directory's
/// file system (a `Journal`: batched writes on a thread of its own) and tells rank 0 what it
/// needs of them (`NodeResults`, sent as `RuntimeMessage.finished`): per slot, the successes
/// counted and only the attempts rank 0 needs one by one, once per chunk that ends and with
/// a heartbeat for what has waited long; no line of another node is formatted or written on
/// rank 0, nor anything of a plain sweep's successes kept there per task. Its ranks' other
/// messages it relays (`RuntimeMessage.relayed`), after what waits of their results. Its
/// ranks' heartbeats go to rank 0 as one message per period with its own
/// (`RuntimeMessage.heartbeats`); once its own worker is done (its beats stop), one by one. It
/// answers each (`RuntimeMessage.heard`): a rank whose beat goes unanswered beats to rank 0 as
/// well (`WriterWatch`), so a hung or stopped writer silences itself, not its node.
///
/// It holds its own rank's `done` until every other rank of the node has said its own, then
/// closes the shard (written, fsync'd) and sends that `done` with the shard's last word
/// (`RankReport.shardFailure`): once rank 0 has every `done`, every shard is complete. A shard
/// that cannot be written (a full disk) is cut back to its last whole line and rank 0 is told at
/// once (`abort`): the run stops, as when rank 0's own journal fails. See docs/how-it-works.md,
/// "A journal per node".
final class NodeWriter: Sendable {
    private struct State {
        /// The node's other ranks that have not said `done` yet.
        var peersLeft: Int
        /// This rank's own `done`, held until the node's others have said theirs.
        var ownReport: RankReport?
        /// Whether this rank's own worker is done (its heartbeats have stopped).
        var ownDone = false
        /// The node's other ranks that beat since this rank's last heartbeat.
        var beaten: Set<Int> = []
        /// What rank 0 needs of the node's finished attempts, folded until it is due.
        var results: NodeResults
    }

    private let rank: Int
    /// The shard, or why it could not be opened (then nothing of the node is written).
    private let journal: Result<Journal, OutputError>
    private let transport: any Transport
    private let state: Mutex<State>
    /// Successful attempts of the node not written because the shard could not be opened.
    private let unopenedSucceeded = Atomic<Int>(0)
    /// Fires once this rank's `done` is sent: from then on its transport may stop.
    let closed = OneShot()

    /// The writer of rank `rank`'s node, whose `peers` other ranks send it their messages, into
    /// the shard at `path` (created empty by rank 0) of part `part`.
    ///
    /// - Parameter startOffset: added to every line's `start` (a resumed run's times follow the earlier parts').
    /// - Parameter keepsValues: whether rank 0 folds task values (a reducer, a `stop_when:`, a
    ///   stage graph): then it gets every attempt, with its value.
    /// - Parameter cores: task `i`'s `cores:` (the summary's core-seconds).
    init(
        rank: Int, peers: Int, shard path: String, part: Int, startOffset: Double, workload: any ParameterFormatter,
        keepsValues: Bool, cores: @escaping @Sendable (Int) -> Int, transport: any Transport
    ) {
        self.rank = rank
        self.transport = transport
        state = Mutex(State(peersLeft: peers, results: NodeResults(keepsValues: keepsValues, cores: cores)))
        journal = Result { () throws(OutputError) in
            try Journal(path: path, workload: workload, startOffset: startOffset, part: part)
        }
        switch journal {
        case .success(let journal): journal.onFailure { [transport] in Self.abort(transport, $0) }
        case .failure(let error): Self.abort(transport, error)
        }
    }

    /// `RuntimeMessage.heard`, encoded once.
    private static let heard = RuntimeMessage.heard.encoded()

    /// Tells rank 0 that the run cannot go on: `error` stopped this node's shard.
    private static func abort(_ transport: any Transport, _ error: OutputError) {
        transport.send(RuntimeMessage.abort(reason: "journal: \(error)").encoded(), to: 0)
    }

    /// Takes a coordinator-bound message of rank `source` of this node (this rank's own
    /// worker's included); on the transport's thread only, in the order they come.
    func handle(_ message: RuntimeMessage, from source: Int) {
        switch message {
        case .results(let slot, let records, let wantsMore):
            append(records)
            let now = MonotonicClock.seconds()
            let due = state.withLock { $0.results.take(records, slot: slot, wantsMore: wantsMore, from: source, at: now) }
            if !due.isEmpty { send(.finished(due)) }
        case .heartbeat(let host):
            beat(host: host, from: source)
        case .done(let report) where source == rank:
            let beaten = state.withLock { state in
                state.ownReport = report
                state.ownDone = true
                defer { state.beaten = [] }
                return state.beaten
            }
            if !beaten.isEmpty { send(.heartbeats(host: report.host, ranks: beaten.sorted())) }
            closeIfAllDone()
        case .done:
            sendWaitingResults()
            send(.relayed(from: source, message))
            state.withLock { $0.peersLeft -= 1 }
            closeIfAllDone()
        default:
            sendWaitingResults()
            send(source == rank ? message : .relayed(from: source, message))
        }
    }

    /// Sends what waits of the node's results (`NodeResults.takeAll`): before any other message
    /// of its ranks, so that rank 0 gets a rank's words in the order it said them. With
    /// `overdue`, only if the oldest has waited long enough (`NodeResults.takeOverdue`).
    private func sendWaitingResults(overdue: Bool = false) {
        let now = overdue ? MonotonicClock.seconds() : 0
        let waiting = state.withLock { $0.results.isEmpty ? [] : overdue ? $0.results.takeOverdue(at: now) : $0.results.takeAll() }
        if !waiting.isEmpty { send(.finished(waiting)) }
    }

    /// Rank `source`'s heartbeat: this rank's own sends the node's (itself, then the others that
    /// beat since); another's waits for it, unless this rank's beats have stopped, and is
    /// answered (`heard`: while answers come, that rank beats to this writer alone).
    private func beat(host: String, from source: Int) {
        if source != rank { transport.send(Self.heard, to: source) }
        let beaten = state.withLock { state -> [Int]? in
            if source == rank {
                defer { state.beaten = [] }
                return [rank] + state.beaten.sorted()
            }
            if state.ownDone { return [source] }
            state.beaten.insert(source)
            return nil
        }
        guard let beaten else { return }
        if source == rank { sendWaitingResults(overdue: true) }
        send(.heartbeats(host: host, ranks: beaten))
    }

    private func append(_ records: [TaskRecord]) {
        switch journal {
        case .success(let journal): journal.append(records)
        case .failure: unopenedSucceeded.add(records.count(where: { $0.status == .ok }), ordering: .relaxed)
        }
    }

    private func send(_ message: RuntimeMessage) {
        transport.send(message.encoded(), to: 0)
    }

    /// Once every rank of the node has said `done`: closes the shard and sends this rank's `done`.
    private func closeIfAllDone() {
        let held = state.withLock { state -> RankReport? in
            guard state.peersLeft <= 0, let report = state.ownReport else { return nil }
            state.ownReport = nil
            return report
        }
        guard var report = held else { return }
        sendWaitingResults()
        switch journal {
        case .success(let journal):
            if let (error, unwritten) = journal.close() {
                report.shardFailure = "\(error)"
                report.unwrittenSucceeded = unwritten
            }
        case .failure(let error):
            report.shardFailure = "\(error)"
            report.unwrittenSucceeded = unopenedSucceeded.load(ordering: .relaxed)
        }
        send(.done(report))
        closed.fire()
    }
}
