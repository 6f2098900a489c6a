import MPIBatchCore

/// Rank 0 at a scale this machine cannot launch, by discrete-event simulation: the real
/// `Coordinator` and the real wire messages, driven by simulated nodes on a simulated clock.
///
/// Each simulated slot runs its chunks' tasks back to back, `taskSeconds` each. A slot of node 0
/// sends its finished records to rank 0 as a worker does (`PendingResults`: once the oldest has
/// waited 25 ms, at a task's end, or at its chunk's end, which also asks for one more chunk). A
/// slot off node 0 goes through its node's writer, which folds its records as the real one does
/// (`NodeResults`) and sends rank 0 what is due (`RuntimeMessage.finished`): per chunk that
/// ends, and with a heartbeat what has waited long. As the writer sends nothing for a worker's
/// flush within a chunk, such a slot's records are made at its chunk's end and at each
/// heartbeat (the tasks ended by then), not per flush: rank 0 gets the same messages. Every
/// `heartbeatSeconds` each writer sends one heartbeat for its node's ranks
/// (`RuntimeMessage.heartbeats`); node 0's ranks each send their own.
///
/// Only rank 0's share is measured, on this thread's CPU clock: decoding each message, the
/// coordinator's handling of it, and encoding what it sends back. Not counted: what rank 0's
/// driver does with `record`/`tally` actions (journal lines of node 0, the run's statistics)
/// and the transport's own cost; nor anything the simulated nodes do.
public enum CoordinatorSimulation {
    /// What to simulate.
    public struct Setup: Sendable {
        /// Nodes, each with `ranksPerNode` ranks of `slotsPerRank` slots.
        public var nodes: Int
        /// Ranks per node.
        public var ranksPerNode: Int
        /// Slots per rank.
        public var slotsPerRank: Int
        /// Every task's duration.
        public var taskSeconds: Double
        /// Each slot's share of the run's work, in seconds: the run has
        /// `slots × workSeconds ÷ taskSeconds` tasks.
        public var workSeconds: Double
        /// The chunk policy rank 0 hands out work with.
        public var policy: ChunkPolicy
        /// How often each rank says it is alive.
        public var heartbeatSeconds = 1.0

        /// A setup of `nodes` × `ranksPerNode` × `slotsPerRank` slots running tasks of
        /// `taskSeconds` for `workSeconds` each under `policy`.
        public init(
            nodes: Int, ranksPerNode: Int, slotsPerRank: Int, taskSeconds: Double, workSeconds: Double, policy: ChunkPolicy
        ) {
            self.nodes = nodes
            self.ranksPerNode = ranksPerNode
            self.slotsPerRank = slotsPerRank
            self.taskSeconds = taskSeconds
            self.workSeconds = workSeconds
            self.policy = policy
        }

        /// Every slot of the run.
        public var slots: Int { nodes * ranksPerNode * slotsPerRank }
        /// Tasks per second the slots ask for when every one is busy.
        public var demand: Double { Double(slots) / taskSeconds }
    }

    /// What one simulated run measured.
    public struct Figures: Sendable {
        /// The setup simulated.
        public var setup: Setup
        /// Tasks run and reported.
        public var tasks: Int
        /// Simulated seconds from the first request to the last result.
        public var simulatedSeconds: Double
        /// Rank 0's CPU seconds over the whole simulation (see `CoordinatorSimulation`).
        public var rankZeroCPUSeconds: Double
        /// Messages rank 0 received.
        public var messagesIn: Int
        /// Messages rank 0 sent.
        public var messagesOut: Int
        /// Wall seconds the simulation took.
        public var wallSeconds: Double

        /// Rank 0's CPU per simulated second: the share of one core it needs (above 1: it cannot keep up).
        public var rankZeroCoreShare: Double { rankZeroCPUSeconds / simulatedSeconds }
        /// Rank 0's CPU per task, in seconds.
        public var rankZeroCPUPerTask: Double { rankZeroCPUSeconds / Double(max(1, tasks)) }
        /// Messages rank 0 received per simulated second.
        public var messagesInPerSecond: Double { Double(messagesIn) / simulatedSeconds }
        /// Tasks served per simulated second.
        public var served: Double { Double(tasks) / simulatedSeconds }
        /// Busy slot-seconds over available slot-seconds.
        public var efficiency: Double { Double(tasks) * setup.taskSeconds / (Double(setup.slots) * simulatedSeconds) }
    }

    /// A slot's state: its chunks and where it is in the current one.
    private struct SlotState {
        var chunks: [Chunk] = []
        /// The next index of `chunks[0]` to run.
        var next = 0
        /// When its last task ended (or its current chunk began).
        var time = 0.0
    }

    /// The due time of a slot's next results message: a min-heap entry.
    private struct Due: Comparable {
        var time: Double
        var ordinal: Int
        static func < (a: Due, b: Due) -> Bool { (a.time, a.ordinal) < (b.time, b.ordinal) }
    }

    /// Runs `setup` to the end of its work and measures rank 0.
    public static func run(_ setup: Setup) throws -> Figures {
        let started = MonotonicClock.nanoseconds()
        let ranks = setup.nodes * setup.ranksPerNode
        let taskCount = Int((Double(setup.slots) * setup.workSeconds / setup.taskSeconds).rounded())
        let now = SimulatedTime()
        var coordinator = Coordinator(
            source: IndexDispenser(policy: setup.policy, taskCount: taskCount, totalSlots: setup.slots),
            retries: { _ in 0 }, failFast: false, slotsPerRank: Array(repeating: setup.slotsPerRank, count: ranks),
            reducer: nil, clock: { now.seconds }, numbersDispatches: setup.nodes > 1)
        var slots = [SlotState](repeating: SlotState(), count: setup.slots)
        var writers = [NodeResults](repeating: NodeResults(keepsValues: false, cores: { _ in 1 }), count: setup.nodes)
        var dues = MinHeap<Due>()
        var cpu = 0  // nanoseconds, each read's cost taken off (so a message may count below 0)
        var messagesIn = 0
        var messagesOut = 0
        var tasks = 0
        let readCost = clockReadCost()
        // A finished task waits at most this long for the ones after it (a worker's `PendingResults`).
        let dueAfter = 0.025
        let tasksPerMessage = max(1, Int((dueAfter / setup.taskSeconds).rounded(.up)) + 1)
        let slotsPerNode = setup.ranksPerNode * setup.slotsPerRank
        let slotsOnNodeZero = slotsPerNode

        /// Rank 0 takes `message` of `rank` (relayed by its node's writer, unless the writer
        /// speaks for itself or the rank is on node 0) and answers.
        func deliver(_ message: RuntimeMessage, from rank: Int, relayed: Bool = true) throws {
            let writer = rank - rank % setup.ranksPerNode
            let (wire, sender) = writer == 0 || !relayed ? (message, rank) : (.relayed(from: rank, message), writer)
            try receive(wire.encoded(), from: sender)
        }

        /// Rank 0 takes `bytes` that `sender` sent, and answers.
        func receive(_ bytes: [UInt8], from sender: Int) throws {
            let before = MonotonicClock.threadCPUNanoseconds()
            let decoded = try RuntimeMessage(decoding: bytes, from: sender)
            let actions = coordinator.handle(decoded, from: sender)
            var assigned: [(ordinal: Int, chunk: Chunk)] = []
            for action in actions {
                guard case .send(let sent, let destination) = action else { continue }
                _ = sent.encoded()
                messagesOut += 1
                if case .assign(let slot, let chunk) = sent { assigned.append((destination * setup.slotsPerRank + slot, chunk)) }
            }
            cpu += Int(MonotonicClock.threadCPUNanoseconds() &- before) - readCost
            messagesIn += 1
            for (ordinal, chunk) in assigned {
                slots[ordinal].chunks.append(chunk)
                if slots[ordinal].chunks.count == 1 {  // it was idle: it starts now
                    slots[ordinal].next = chunk.start
                    slots[ordinal].time = now.seconds
                    schedule(ordinal)
                }
            }
        }

        /// Queues slot `ordinal`'s next results message, at the end of the task that makes it due.
        func schedule(_ ordinal: Int) {
            let slot = slots[ordinal]
            guard let chunk = slot.chunks.first else { return }
            dues.insert(Due(time: slot.time + Double(reportCount(ordinal)) * setup.taskSeconds, ordinal: ordinal))
        }

        /// How many tasks slot `ordinal`'s next results message reports: a node 0 slot's flush, as
        /// a worker's; for a slot off node 0, the rest of its chunk (its writer sends rank 0 nothing
        /// before the chunk's end but at its heartbeats, which take what waits, `heartbeats`).
        func reportCount(_ ordinal: Int) -> Int {
            let left = slots[ordinal].chunks[0].end - slots[ordinal].next
            return ordinal < slotsOnNodeZero ? min(left, tasksPerMessage) : left
        }

        /// Slot `ordinal`'s next `count` tasks of its chunk, ended by `time`, as records, taken.
        func report(_ ordinal: Int, count: Int, at time: Double) -> [TaskRecord] {
            let chunk = slots[ordinal].chunks[0]
            let first = slots[ordinal].next
            slots[ordinal].next += count
            slots[ordinal].time = time
            tasks += count
            return (first..<first + count).map { index in
                var record = TaskRecord(
                    index: index, attempt: chunk.attempt, status: .ok, rank: ordinal / setup.slotsPerRank,
                    slot: ordinal % setup.slotsPerRank, start: time, seconds: setup.taskSeconds, value: .none, error: nil)
                record.sequence = chunk.sequence
                return record
            }
        }

        /// Every node's heartbeat: node 0's ranks each their own, every other node's writer what
        /// has waited long of its results (each busy slot's tasks ended by now, short of its
        /// chunk's last, are folded first), then one for its ranks.
        func heartbeats() throws {
            for rank in 0..<setup.ranksPerNode { try deliver(.heartbeat(host: "n0"), from: rank) }
            for node in 1..<max(1, setup.nodes) {
                for ordinal in node * slotsPerNode..<(node + 1) * slotsPerNode where !slots[ordinal].chunks.isEmpty {
                    let ended = Int((now.seconds - slots[ordinal].time) / setup.taskSeconds + 1e-9)
                    let count = min(ended, reportCount(ordinal) - 1)
                    guard count > 0 else { continue }
                    let time = slots[ordinal].time + Double(count) * setup.taskSeconds
                    _ = writers[node].take(
                        report(ordinal, count: count, at: time), slot: ordinal % setup.slotsPerRank, wantsMore: false,
                        from: ordinal / setup.slotsPerRank, at: now.seconds)
                }
                let writer = node * setup.ranksPerNode
                let waiting = writers[node].takeOverdue(at: now.seconds)
                if !waiting.isEmpty { try receive(RuntimeMessage.finished(waiting).encoded(), from: writer) }
                try deliver(.heartbeats(host: "n\(node)", ranks: Array(writer..<writer + setup.ranksPerNode)), from: writer, relayed: false)
            }
        }

        try heartbeats()
        for ordinal in 0..<setup.slots {
            try deliver(.request(slot: ordinal % setup.slotsPerRank, chunks: 2), from: ordinal / setup.slotsPerRank)
        }
        var nextHeartbeat = setup.heartbeatSeconds
        while let due = dues.popMin() {
            while nextHeartbeat <= due.time {
                now.seconds = nextHeartbeat
                try heartbeats()
                nextHeartbeat += setup.heartbeatSeconds
            }
            now.seconds = due.time
            let rank = due.ordinal / setup.slotsPerRank
            let records = report(due.ordinal, count: reportCount(due.ordinal), at: due.time)
            let chunkEnded = slots[due.ordinal].next == slots[due.ordinal].chunks[0].end
            if chunkEnded {
                slots[due.ordinal].chunks.removeFirst()
                slots[due.ordinal].next = slots[due.ordinal].chunks.first?.start ?? 0
            }
            schedule(due.ordinal)
            let slotOfRank = due.ordinal % setup.slotsPerRank
            let node = due.ordinal / slotsPerNode
            if node == 0 {
                try deliver(.results(slot: slotOfRank, records: records, wantsMore: chunkEnded), from: rank)
            } else {
                let outcomes = writers[node].take(records, slot: slotOfRank, wantsMore: chunkEnded, from: rank, at: now.seconds)
                if !outcomes.isEmpty { try receive(RuntimeMessage.finished(outcomes).encoded(), from: node * setup.ranksPerNode) }
            }
        }
        return Figures(
            setup: setup, tasks: tasks, simulatedSeconds: now.seconds, rankZeroCPUSeconds: Double(cpu) * 1e-9,
            messagesIn: messagesIn, messagesOut: messagesOut,
            wallSeconds: Double(MonotonicClock.nanoseconds() &- started) * 1e-9)
    }

    /// What a pair of CPU clock reads costs (a system call each), taken off every measurement.
    private static func clockReadCost() -> Int {
        let rounds = 10_000
        let before = MonotonicClock.threadCPUNanoseconds()
        for _ in 0..<rounds { _ = MonotonicClock.threadCPUNanoseconds() }
        return Int(MonotonicClock.threadCPUNanoseconds() &- before) / rounds
    }
}

/// The simulated clock the coordinator reads (its status times).
private final class SimulatedTime {
    var seconds = 0.0
}
