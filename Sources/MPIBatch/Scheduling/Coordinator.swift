/// What the coordinator asks the code around it to do.
enum CoordinatorAction: Equatable {
    /// Send a message to a rank (rank 0 included).
    case send(RuntimeMessage, to: Int)
    /// Journal these finished attempts and count them in the statistics.
    case record([TaskRecord])
    /// Every rank has reported `done`: the run is over.
    case finished
}

/// Rank 0's scheduler as a pure state machine: messages in, actions out.
/// It hands out chunks on demand, queues retries, applies fail-fast, and runs
/// the stop protocol (stop → every rank drains and says done → finished).
struct Coordinator {
    private enum Phase { case running, stopping, finished }

    private struct ParkedRequest {
        var rank: Int
        var slot: Int
        var chunks: Int
    }

    private let retries: Int
    private let failFast: Bool
    private let ordinalBase: [Int]
    /// Rank 0's reducer of task values, if the workload has one.
    let reducer: (any ResultReducer)?
    private var source: any WorkSource
    private var retryQueue: [Chunk] = []
    private var retryHead = 0
    private var parked: [ParkedRequest] = []
    private var inFlight = 0
    private var phase = Phase.running
    private var ranksDone: [RankReport?]

    /// Attempts that succeeded.
    private(set) var succeeded = 0
    /// Tasks that failed on their last allowed attempt.
    private(set) var failed = 0
    /// Why the run stopped early, if it did.
    private(set) var stopReason: String?
    /// What each rank reported when it finished.
    var rankReports: [RankReport?] { ranksDone }
    /// The task count in force (lower than the workload's when a precision target was met).
    var taskLimit: Int { source.limit }
    /// The source of work, for its summary fields.
    var workSource: any WorkSource { source }

    /// A coordinator over a flat index range of `taskCount` tasks under `policy`.
    init(
        taskCount: Int, retries: Int, failFast: Bool, policy: ChunkPolicy, slotsPerRank: [Int],
        reducer: (any ResultReducer)?
    ) {
        self.init(
            source: IndexDispenser(policy: policy, taskCount: taskCount, totalSlots: slotsPerRank.reduce(0, +)),
            retries: retries, failFast: failFast, slotsPerRank: slotsPerRank, reducer: reducer)
    }

    /// A coordinator handing out `source`'s work.
    init(
        source: any WorkSource, retries: Int, failFast: Bool, slotsPerRank: [Int], reducer: (any ResultReducer)?
    ) {
        self.retries = retries
        self.failFast = failFast
        self.reducer = reducer
        var bases: [Int] = []
        var total = 0
        for slots in slotsPerRank {
            bases.append(total)
            total += slots
        }
        ordinalBase = bases
        self.source = source
        ranksDone = Array(repeating: nil, count: slotsPerRank.count)
    }

    /// Actions to take before any message arrives (an empty workload stops at once).
    mutating func start() -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        stopIfComplete(&actions)
        return actions
    }

    /// Reacts to one message from `rank`.
    mutating func handle(_ message: RuntimeMessage, from rank: Int) -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        switch message {
        case .request(let slot, let chunks):
            serve(rank: rank, slot: slot, chunks: chunks, into: &actions)
        case .results(let slot, let records, let wantsMore):
            take(records, into: &actions)
            if wantsMore { serve(rank: rank, slot: slot, chunks: 1, into: &actions) }
        case .done(let report):
            ranksDone[rank] = report
            if phase == .stopping, ranksDone.allSatisfy({ $0 != nil }) {
                phase = .finished
                actions.append(.finished)
            }
        case .assign, .stop:
            break  // coordinator-bound traffic only; these go to workers
        }
        stopIfComplete(&actions)
        return actions
    }

    /// Stops handing out work (a signal, a deadline): every rank drains and reports.
    mutating func interrupt(reason: String) -> [CoordinatorAction] {
        var actions: [CoordinatorAction] = []
        beginStopping(reason: reason, into: &actions)
        return actions
    }

    private mutating func take(_ records: [TaskRecord], into actions: inout [CoordinatorAction]) {
        var kept: [TaskRecord] = []
        kept.reserveCapacity(records.count)
        for record in records {
            inFlight -= 1
            guard record.index < source.limit else { continue }
            kept.append(record)
            switch record.status {
            case .ok:
                succeeded += 1
                source.finished(record)
                if let newLimit = reducer?.accept(index: record.index, value: record.value) {
                    source.lowerLimit(to: newLimit)
                }
            case .failed, .timeout:
                if record.attempt <= retries {
                    queueRetry(Chunk(start: record.index, end: record.index + 1, attempt: record.attempt + 1), &actions)
                } else {
                    failed += 1
                    source.finished(record)
                    if failFast { beginStopping(reason: "fail-fast: task \(record.index) \(record.status)", into: &actions) }
                }
            case .interrupted:
                queueRetry(Chunk(start: record.index, end: record.index + 1, attempt: record.attempt), &actions)
            }
        }
        if !kept.isEmpty { actions.insert(.record(kept), at: 0) }
        serveParked(&actions)
    }

    /// Asks the source again for requests that found nothing ready (a stage may have become ready).
    private mutating func serveParked(_ actions: inout [CoordinatorAction]) {
        guard phase == .running, !parked.isEmpty else { return }
        let waiting = parked
        parked.removeAll()
        for request in waiting { serve(rank: request.rank, slot: request.slot, chunks: request.chunks, into: &actions) }
    }

    private mutating func queueRetry(_ chunk: Chunk, _ actions: inout [CoordinatorAction]) {
        guard phase == .running else { return }
        retryQueue.append(chunk)
    }

    private mutating func serve(rank: Int, slot: Int, chunks: Int, into actions: inout [CoordinatorAction]) {
        guard phase == .running else { return }
        var wanted = chunks
        while wanted > 0, let chunk = nextChunk(forSlotOrdinal: ordinalBase[rank] + slot) {
            inFlight += chunk.count
            actions.append(.send(.assign(slot: slot, chunk: chunk), to: rank))
            wanted -= 1
        }
        if wanted > 0 { parked.append(ParkedRequest(rank: rank, slot: slot, chunks: wanted)) }
    }

    private mutating func nextChunk(forSlotOrdinal ordinal: Int) -> Chunk? {
        while retryHead < retryQueue.count {
            let retry = retryQueue[retryHead]
            retryHead += 1
            if retryHead == retryQueue.count {
                retryQueue.removeAll(keepingCapacity: true)
                retryHead = 0
            }
            if retry.start < source.limit { return retry }
        }
        guard let range = source.next(forSlotOrdinal: ordinal) else { return nil }
        return Chunk(start: range.lowerBound, end: range.upperBound)
    }

    private mutating func stopIfComplete(_ actions: inout [CoordinatorAction]) {
        guard phase == .running, source.isExhausted, retryHead == retryQueue.count, inFlight == 0 else { return }
        beginStopping(reason: nil, into: &actions)
    }

    private mutating func beginStopping(reason: String?, into actions: inout [CoordinatorAction]) {
        guard phase == .running else { return }
        phase = .stopping
        stopReason = reason
        parked.removeAll()
        for rank in ranksDone.indices { actions.append(.send(.stop, to: rank)) }
    }
}
