import Foundation
import MPIBatchCore

/// Rank 0's capacity without MPI: the real `Coordinator` driven by simulated
/// workers in one thread, every message encoded and decoded as on the wire.
/// Workers answer at once (zero task time), so the figures are the most
/// requests rank 0's scheduling can serve; the journal's writes are not counted.
public enum CoordinatorLoad {
    /// What one simulated run measured.
    public struct Figures: Sendable {
        /// Simulated ranks.
        public var ranks: Int
        /// Slots per rank.
        public var slots: Int
        /// Tasks handed out and reported.
        public var tasks: Int
        /// Messages rank 0 handled (requests and results) and sent (assignments).
        public var messages: Int
        /// Wall seconds of the whole simulation.
        public var seconds: Double
        /// Growth of the process's peak resident memory during the run, in bytes.
        public var peakMemoryGrowth: Int

        /// Worker messages rank 0 served per second.
        public var messagesPerSecond: Double { Double(messages) / seconds }
        /// Tasks dispatched (and their results taken) per second.
        public var tasksPerSecond: Double { Double(tasks) / seconds }
        /// Mean tasks per chunk.
        public var tasksPerChunk: Double { Double(tasks) / Double(max(1, messages / 2)) }
    }

    /// Runs `tasks` zero-time tasks over `ranks` × `slots` simulated slots under `policy`:
    /// each slot asks for two chunks (prefetch), then reports each chunk whole and asks for one more.
    public static func run(ranks: Int, slots: Int, tasks: Int, policy: ChunkPolicy) throws -> Figures {
        let memoryBefore = peakResidentBytes()
        let started = MonotonicClock.nanoseconds()
        var coordinator = Coordinator(
            taskCount: tasks, retries: 0, failFast: false, policy: policy,
            slotsPerRank: Array(repeating: slots, count: ranks), reducer: nil)
        var pending: [(rank: Int, slot: Int, chunk: Chunk)] = []
        var head = 0
        var messages = 0
        var reported = 0
        func deliver(_ message: RuntimeMessage, from rank: Int) throws {
            let decoded = try RuntimeMessage(decoding: message.encoded(), from: rank)
            messages += 1
            for action in coordinator.handle(decoded, from: rank) {
                guard case .send(let sent, let destination) = action else { continue }
                let bytes = sent.encoded()
                if case .assign(let slot, let chunk) = try RuntimeMessage(decoding: bytes, from: 0) {
                    pending.append((destination, slot, chunk))
                }
            }
        }
        for rank in 0..<ranks {
            try deliver(.heartbeat(host: "node\(rank / 8)"), from: rank)
            for slot in 0..<slots { try deliver(.request(slot: slot, chunks: 2), from: rank) }
        }
        while head < pending.count {
            let (rank, slot, chunk) = pending[head]
            head += 1
            if head > 4096, head * 2 > pending.count {  // keep the queue's memory flat
                pending.removeFirst(head)
                head = 0
            }
            let records = (chunk.start..<chunk.end).map {
                TaskRecord(
                    index: $0, attempt: chunk.attempt, status: .ok, rank: rank, slot: slot, start: 0, seconds: 0,
                    value: .none, error: nil)
            }
            reported += records.count
            try deliver(.results(slot: slot, records: records, wantsMore: true), from: rank)
        }
        let seconds = Double(MonotonicClock.nanoseconds() &- started) * 1e-9
        return Figures(
            ranks: ranks, slots: slots, tasks: reported, messages: messages, seconds: seconds,
            peakMemoryGrowth: peakResidentBytes() - memoryBefore)
    }

    /// The process's peak resident memory (getrusage), in bytes.
    private static func peakResidentBytes() -> Int {
        Platform.maxRSSBytes(Platform.ownUsage())
    }
}
