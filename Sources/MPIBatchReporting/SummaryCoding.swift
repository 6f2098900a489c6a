import MPIBatchCore
import MPIBatchScheduling

/// `summary.json`: the CONTRACT.md fields, the figures derived from them, what the job kind
/// adds (a Monte Carlo estimate, a stage graph's figures), then per-node, per-rank, per-slot
/// and failure detail. `RunReport` reads it back through `init(from:)`; a field missing from
/// an older summary reads as zero or empty.
extension RunSummary: Codable {
    enum CodingKeys: String, CodingKey {
        case name, tasksTotal = "tasks_total", tasksSucceeded = "tasks_succeeded", tasksFailed = "tasks_failed"
        case tasksNotRun = "tasks_not_run", tasksRerunChanged = "tasks_rerun_changed", tasksCancelled = "tasks_cancelled",
            tasksCancelledByUser = "tasks_cancelled_by_user", earlyStops = "early_stops", attempts, ranks, slots, wallSeconds = "wall_seconds"
        case taskSeconds = "task_seconds", speedup, efficiency, imbalance, throughput = "throughput_tasks_per_second"
        case overheadSecondsPerTask = "overhead_seconds_per_task", improvement = "improvement_over_sequential"
        case sequentialBaseline = "sequential_baseline", coreWeighted = "task_seconds_weighted_by_cores"
        case chunkPolicy = "chunk_policy", interrupted, unresponsiveRanks = "unresponsive_ranks"
        case stopReason = "stop_reason", journalFailure = "journal_failure", parts, findings, notes
        case stageMonteCarlo = "montecarlo", perNode = "per_node", perRank = "per_rank", perSlot = "per_slot", failures
        case gpuOccupancy = "gpu_occupancy", impossibleMessages = "impossible_messages"
    }

    /// Writes the whole summary as one JSON object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        for (key, count) in [
            (CodingKeys.tasksTotal, tasksTotal), (.tasksSucceeded, tasksSucceeded), (.tasksFailed, tasksFailed),
            (.tasksCancelled, tasksCancelled), (.tasksNotRun, max(0, tasksTotal - tasksSucceeded - tasksFailed - tasksCancelled)),
            (.attempts, attempts), (.tasksRerunChanged, tasksRerunChanged), (.tasksCancelledByUser, tasksCancelledByUser),
            (.ranks, slotsPerRank.count), (.slots, totalSlots), (.impossibleMessages, impossibleMessages),
        ] {
            try container.encode(count, forKey: key)
        }
        for (key, number) in [
            (CodingKeys.wallSeconds, wallSeconds), (.taskSeconds, taskSeconds), (.speedup, speedup), (.efficiency, efficiency),
            (.imbalance, imbalance), (.throughput, throughput), (.overheadSecondsPerTask, overheadSecondsPerTask),
            (.improvement, taskSeconds > 0 ? 1 - wallSeconds / taskSeconds : 0),
        ] {
            try container.encodeNumber(number, forKey: key)
        }
        try container.encode(
            coreWeighted
                ? "estimated: task_seconds, the sum of every attempt's time × its cores (core-seconds: a task of k cores "
                    + "is taken to need k times as long on one core, which is optimistic for it)"
                : "estimated: task_seconds, the sum of every attempt's time",
            forKey: .sequentialBaseline)
        try container.encode(coreWeighted, forKey: .coreWeighted)
        try container.encode(chunkPolicy.rawValue, forKey: .chunkPolicy)
        try container.encode(interrupted, forKey: .interrupted)
        try container.encode(unresponsiveRanks, forKey: .unresponsiveRanks)
        try container.encode(stopReason, forKey: .stopReason)  // null when there is none
        try container.encode(journalFailure, forKey: .journalFailure)
        try container.encode(parts, forKey: .parts)
        try container.encode(findings, forKey: .findings)
        try container.encode(extraLines, forKey: .notes)
        try monteCarlo?.encode(to: encoder)
        try stageGraph?.encode(to: encoder)
        try container.encodeIfPresent(stageMonteCarlo, forKey: .stageMonteCarlo)
        try container.encodeIfPresent(earlyStops, forKey: .earlyStops)
        let wall = partWallSeconds
        func utilisation(_ busy: Double, slots: Int) -> Double { wall > 0 ? busy / (wall * Double(max(1, slots))) : 0 }
        try container.encode(
            nodes.map { WithFigures($0, ["ranks": Double($0.ranks.count), "utilisation": utilisation($0.busySeconds, slots: $0.slots)]) },
            forKey: .perNode)
        try container.encode(
            ranks.map { rank in
                WithFigures(rank, [
                    "utilisation": utilisation(rank.busySeconds, slots: rank.slots),
                    "cpu_per_busy": rank.busySeconds > 0 ? rank.cpuSeconds / rank.busySeconds : 0,
                ])
            },
            forKey: .perRank)
        try container.encode(slots.map { WithFigures($0, ["utilisation": utilisation($0.busySeconds, slots: 1)]) }, forKey: .perSlot)
        try container.encode(failures, forKey: .failures)
        if !gpuOccupancy.isEmpty { try container.encode(gpuOccupancy, forKey: .gpuOccupancy) }
    }

    /// Reads a summary back; the derived figures are computed again, not read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func field<T: Decodable>(_ key: CodingKeys, or fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        let ranks = try field(.perRank, or: [Rank]())
        let present = try decoder.container(keyedBy: ReportKey.self)
        self.init(
            name: try field(.name, or: ""), chunkPolicy: ChunkPolicy(rawValue: try field(.chunkPolicy, or: "")) ?? .auto,
            tasksTotal: try field(.tasksTotal, or: 0), tasksSucceeded: try field(.tasksSucceeded, or: 0),
            tasksFailed: try field(.tasksFailed, or: 0), attempts: try field(.attempts, or: 0),
            wallSeconds: try field(.wallSeconds, or: 0), taskSeconds: try field(.taskSeconds, or: 0),
            slotsPerRank: ranks.map(\.slots), stopReason: try field(.stopReason, or: nil), interrupted: try field(.interrupted, or: false),
            unresponsiveRanks: try field(.unresponsiveRanks, or: []), ranks: ranks, slots: try field(.perSlot, or: []),
            failures: try field(.failures, or: []), extraLines: try field(.notes, or: []), parts: try field(.parts, or: []),
            findings: try field(.findings, or: []), journalFailure: try field(.journalFailure, or: nil),
            coreWeighted: try field(.coreWeighted, or: false),
            monteCarlo: present.contains(ReportKey("blocks_total")) ? try MonteCarloSummary(from: decoder) : nil,
            stageGraph: present.contains(ReportKey("stages")) ? try StageGraphSummary(from: decoder) : nil,
            stageMonteCarlo: try field(.stageMonteCarlo, or: nil), earlyStops: try field(.earlyStops, or: nil),
            tasksCancelled: try field(.tasksCancelled, or: 0))
        tasksRerunChanged = try field(.tasksRerunChanged, or: 0)
        tasksCancelledByUser = try field(.tasksCancelledByUser, or: 0)
        impossibleMessages = try field(.impossibleMessages, or: 0)
    }

    /// `summary.json`'s bytes: one line of JSON with sorted keys.
    public func json() throws(ReportEncodingError) -> [UInt8] { try ReportCoding.encode(self) }
}

/// A row of `summary.json` with figures derived from the whole run (a rank's utilisation
/// against the part's wall time), written beside the row's own fields.
private struct WithFigures<Row: Encodable>: Encodable {
    let row: Row
    let figures: [String: Double]

    init(_ row: Row, _ figures: [String: Double]) {
        self.row = row
        self.figures = figures
    }

    func encode(to encoder: any Encoder) throws {
        try row.encode(to: encoder)
        var container = encoder.container(keyedBy: ReportKey.self)
        for (key, number) in figures { try container.encodeNumber(number, forKey: ReportKey(key)) }
    }
}

extension RunSummary.Rank: Decodable {
    /// A rank read back; a field missing from an older summary reads as zero.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            rank: try container.decodeIfPresent(Int.self, forKey: .rank) ?? 0,
            host: try container.decodeIfPresent(String.self, forKey: .host) ?? "",
            slots: try container.decodeIfPresent(Int.self, forKey: .slots) ?? 0,
            tasks: try container.decodeIfPresent(Int.self, forKey: .tasks) ?? 0,
            busySeconds: try container.decodeIfPresent(Double.self, forKey: .busySeconds) ?? 0,
            cpuSeconds: try container.decodeIfPresent(Double.self, forKey: .cpuSeconds) ?? 0,
            maxTaskRSSBytes: try container.decodeIfPresent(Int.self, forKey: .maxTaskRSSBytes) ?? 0)
    }
}

extension TaskStatus: Codable {
    /// `ok`, `failed`, `timeout` or `interrupted`, as in `results.jsonl`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// A status read back by its name; an unknown one reads as `failed`.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        self = [TaskStatus.ok, .failed, .timeout, .interrupted].first { $0.description == name } ?? .failed
    }
}
