import Foundation

/// Rank 0's setup before any rank starts work: the output directory, `run.json`
/// (which job this run is, by content hash), and on `--resume` what the journal
/// already holds. Every refusal here is bad input: nothing has run yet.
public struct PreparedRun: Sendable {
    /// What the earlier run finished, when resuming.
    let resumed: ResumedWork?

    /// The part of a journal the coordinator needs.
    struct ResumedWork: Sendable {
        var succeeded: IndexRanges
        var failedAttempts: [Int: Int]
        var values: [(index: Int, value: TaskValue)]
        /// Seconds added to this run's task start times, so they follow the earlier runs'.
        var startOffset: Double
    }

    /// Prepares `configuration.outputDirectory` for `jobHash`.
    ///
    /// - Parameter keepValues: whether to read the journaled values back (reducers and stage graphs use them).
    public static func prepare(
        configuration: RunConfiguration, jobHash: String, taskCount: Int, keepValues: Bool
    ) throws -> PreparedRun {
        let directory = configuration.outputDirectory
        let journal = directory + "/results.jsonl"
        let metadata = directory + "/run.json"
        let hasJournal = FileManager.default.fileExists(atPath: journal)
        guard configuration.behaviour.resume else {
            if hasJournal {
                throw ResumeError(
                    path: journal, reason: "an earlier run's journal is here; pass --resume to continue it, or another --out")
            }
            try OutputFile.makeDirectory(directory)
            try writeMetadata(to: metadata, configuration: configuration, jobHash: jobHash, taskCount: taskCount)
            return PreparedRun(resumed: nil)
        }
        guard hasJournal else {
            try OutputFile.makeDirectory(directory)
            try writeMetadata(to: metadata, configuration: configuration, jobHash: jobHash, taskCount: taskCount)
            return PreparedRun(resumed: nil)  // nothing ran yet: --resume starts afresh (a requeued job that never began)
        }
        let recorded = try recordedHash(in: metadata)
        if recorded != jobHash {
            guard configuration.behaviour.force else {
                throw ResumeError(
                    path: metadata,
                    reason: "the job file changed since this run began (content hash \(recorded), now \(jobHash)); "
                        + "pass --force to resume anyway")
            }
            try writeMetadata(to: metadata, configuration: configuration, jobHash: jobHash, taskCount: taskCount)
        }
        let state = try JournalState(path: journal, keepValues: keepValues)
        return PreparedRun(
            resumed: ResumedWork(
                succeeded: state.succeeded, failedAttempts: state.failedAttempts, values: state.values,
                startOffset: state.lastEnd))
    }

    private static func writeMetadata(
        to path: String, configuration: RunConfiguration, jobHash: String, taskCount: Int
    ) throws(OutputError) {
        var json = JSONWriter()
        json.beginObject()
        json.field("name", configuration.name)
        json.field("content_hash", jobHash)
        json.field("tasks_total", taskCount)
        json.endObject()
        json.newline()
        try OutputFile.replace(path, with: json.bytes)
    }

    private static func recordedHash(in path: String) throws(ResumeError) -> String {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let hash = object["content_hash"] as? String
        else { throw ResumeError(path: path, reason: "missing or unreadable: cannot tell which job this run was") }
        return hash
    }
}
