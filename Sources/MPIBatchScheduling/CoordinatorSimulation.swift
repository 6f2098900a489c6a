import MPIBatchCore

/// Rank 0 at a scale this machine cannot launch, by discrete-event simulation: the real
/// `Coordinator` and the real wire messages, driven by simulated nodes on a simulated clock.
///
/// Each simulated slot runs its chunks' tasks back to back, `taskSeconds` each, and sends its
/// finished records as a worker does (`PendingResults`: once the oldest has waited 25 ms, at a
/// task's end, or at its chunk's end, which also asks for one more chunk). A rank off node 0
/// sends them through its node's writer, which cuts them to what rank 0 needs
/// (`TaskRecord.forRankZero`) and relays them (`RuntimeMessage.relayed`); node 0's ranks send
/// to rank 0 directly. Every `heartbeatSeconds` each writer sends one heartbeat for its node's
/// ranks (`RuntimeMessage.heartbeats`); node 0's ranks each send their own.
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
        var dues = MinHeap<Due>()
        var cpu = 0  // nanoseconds, each read's cost taken off (so a message may count below 0)
        var messagesIn = 0
        var messagesOut = 0
        var tasks = 0
        let readCost = clockReadCost()
        // A finished task waits at most this long for the ones after it (a worker's `PendingResults`).
        let dueAfter = 0.025
        let tasksPerMessage = max(1, Int((dueAfter / setup.taskSeconds).rounded(.up)) + 1)

        /// Rank 0 takes `message` of `rank` (relayed by its node's writer, unless the writer
        /// speaks for itself or the rank is on node 0) and answers.
        func deliver(_ message: RuntimeMessage, from rank: Int, relayed: Bool = true) throws {
            let writer = rank - rank % setup.ranksPerNode
            let (wire, sender) = writer == 0 || !relayed ? (message, rank) : (.relayed(from: rank, message), writer)
            let bytes = wire.encoded()
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
            let count = min(chunk.end - slot.next, tasksPerMessage)
            dues.insert(Due(time: slot.time + Double(count) * setup.taskSeconds, ordinal: ordinal))
        }

        /// Every node's heartbeat: node 0's ranks each their own, every other node's writer one for its ranks.
        func heartbeats() throws {
            for rank in 0..<setup.ranksPerNode { try deliver(.heartbeat(host: "n0"), from: rank) }
            for node in 1..<max(1, setup.nodes) {
                let writer = node * setup.ranksPerNode
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
            var slot = slots[due.ordinal]
            let chunk = slot.chunks[0]
            let count = min(chunk.end - slot.next, tasksPerMessage)
            let records = (slot.next..<slot.next + count).map { index in
                var record = TaskRecord(
                    index: index, attempt: chunk.attempt, status: .ok, rank: rank, slot: due.ordinal % setup.slotsPerRank,
                    start: due.time, seconds: setup.taskSeconds, value: .none, error: nil)
                record.sequence = chunk.sequence
                return rank < setup.ranksPerNode ? record : record.forRankZero(keepingValue: false)
            }
            tasks += count
            slot.next += count
            slot.time = due.time
            let chunkEnded = slot.next == chunk.end
            if chunkEnded {
                slot.chunks.removeFirst()
                slot.next = slot.chunks.first?.start ?? 0
            }
            slots[due.ordinal] = slot
            schedule(due.ordinal)
            try deliver(.results(slot: due.ordinal % setup.slotsPerRank, records: records, wantsMore: chunkEnded), from: rank)
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
