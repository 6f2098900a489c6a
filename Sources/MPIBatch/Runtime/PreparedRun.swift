import Foundation

/// Rank 0's setup before any rank starts work: the output directory and its lock,
/// `run.json` (which job this run is, by content hash, and the parts it ran in), and on
/// `--resume` what the journal already holds. Every refusal here is bad input: nothing has
/// run yet.
public struct PreparedRun: Sendable {
    /// What the earlier run finished, when resuming.
    let resumed: ResumedWork?
    /// The directory's lock, held for as long as this value lives.
    let lock: RunLock

    /// The part of a journal the coordinator needs.
    struct ResumedWork: Sendable {
        var succeeded: IndexRanges
        var failedAttempts: [Int: Int]
        var values: [(index: Int, value: TaskValue)]
        /// Seconds added to this run's task start times, so they follow the earlier runs'.
        var startOffset: Double
        /// The earlier parts of the run, with their figures.
        var earlierParts: [RunPart]
    }

    /// Prepares `configuration.outputDirectory` for `jobHash`.
    ///
    /// - Parameter keepValues: whether to read the journaled values back (reducers and stage graphs use them).
    /// - Parameter warn: where a warning goes (a file system without locks, say).
    public static func prepare(
        configuration: RunConfiguration, jobHash: String, taskCount: Int, keepValues: Bool,
        warn: (String) -> Void = { _ in }
    ) throws -> PreparedRun {
        let directory = configuration.outputDirectory
        let journal = directory + "/results.jsonl"
        let metadataPath = directory + "/run.json"
        try OutputFile.makeDirectory(directory)
        let lock = try RunLock(directory: directory, warn: warn)
        let hasJournal = FileManager.default.fileExists(atPath: journal)
        let now = Date().timeIntervalSince1970
        var metadata = RunMetadata(name: configuration.name, contentHash: jobHash, tasksTotal: taskCount, parts: [])
        guard configuration.behaviour.resume, hasJournal else {
            if hasJournal {
                throw RunFileError(
                    path: journal, reason: "an earlier run's journal is here; pass --resume to continue it, or another --out")
            }
            // Also --resume with nothing journaled yet: a requeued job that never began starts afresh.
            metadata.parts = [RunMetadata.Part(startOffset: 0, startedAt: now)]
            try metadata.write(to: metadataPath)
            return PreparedRun(resumed: nil, lock: lock)
        }
        let recorded = try RunMetadata.read(from: metadataPath)
        if recorded.contentHash != jobHash, !configuration.behaviour.force {
            throw RunFileError(
                path: metadataPath,
                reason: "the job file changed since this run began (content hash \(recorded.contentHash), now \(jobHash)); "
                    + "pass --force to resume anyway")
        }
        let state = try JournalState(
            path: journal, taskCount: taskCount,
            parts: recorded.parts.map { RunPart(startOffset: $0.startOffset, startedAt: $0.startedAt) },
            keepValues: keepValues)
        var earlierParts = state.parts
        for part in earlierParts.indices {
            let end = part + 1 < earlierParts.count ? earlierParts[part + 1].startOffset : state.lastEnd
            earlierParts[part].wallSeconds = max(0, end - earlierParts[part].startOffset)
        }
        metadata.parts = recorded.parts + [RunMetadata.Part(startOffset: state.lastEnd, startedAt: now)]
        try metadata.write(to: metadataPath)
        return PreparedRun(
            resumed: ResumedWork(
                succeeded: state.succeeded, failedAttempts: state.failedAttempts, values: state.values,
                startOffset: state.lastEnd, earlierParts: earlierParts),
            lock: lock)
    }
}

/// `run.json`: which job a run directory holds and the parts it ran in.
struct RunMetadata: Codable {
    /// The job's name.
    var name: String
    /// The job file's content hash: `--resume` refuses another job.
    var contentHash: String
    /// The job's task count.
    var tasksTotal: Int
    /// Each start and resume of the run, in order.
    var parts: [Part]

    /// One start or resume.
    struct Part: Codable {
        /// Where its task times begin on the run's time axis.
        var startOffset: Double
        /// When it began, in seconds since the Unix epoch.
        var startedAt: Double

        enum CodingKeys: String, CodingKey {
            case startOffset = "start_offset", startedAt = "started_at"
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, contentHash = "content_hash", tasksTotal = "tasks_total", parts
    }

    init(name: String, contentHash: String, tasksTotal: Int, parts: [Part]) {
        self.name = name
        self.contentHash = contentHash
        self.tasksTotal = tasksTotal
        self.parts = parts
    }

    /// Reads run.json; one written before parts were recorded has one part, from 0.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        contentHash = try container.decode(String.self, forKey: .contentHash)
        tasksTotal = try container.decode(Int.self, forKey: .tasksTotal)
        parts = try container.decodeIfPresent([Part].self, forKey: .parts) ?? [Part(startOffset: 0, startedAt: 0)]
    }

    static func read(from path: String) throws(RunFileError) -> RunMetadata {
        guard let data = FileManager.default.contents(atPath: path),
            let metadata = try? JSONDecoder().decode(RunMetadata.self, from: data)
        else { throw RunFileError(path: path, reason: "missing or unreadable: cannot tell which job this run was") }
        return metadata
    }

    func write(to path: String) throws(OutputError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        try OutputFile.replace(path, with: Array(data) + [UInt8(ascii: "\n")])
    }
}
