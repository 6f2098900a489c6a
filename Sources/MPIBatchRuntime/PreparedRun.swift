import Foundation
import MPIBatchCore
import MPIBatchJournal
import MPIBatchScheduling

/// Rank 0's setup before any rank starts work: the output directory and its lock,
/// `run.json` (which job this run is, by content hash, and the parts it ran in), and on
/// `--resume` what the journal already holds. Every refusal here is bad input: nothing has
/// run yet.
public struct PreparedRun: Sendable {
    /// What the earlier run finished, when resuming.
    package let resumed: ResumedWork?
    /// The directory's lock, held for as long as this value lives.
    package let lock: RunLock
    /// What the start said (the interpreter of `python:` tasks, say), for `run.json` and the summary.
    package let notes: [String]
    /// A sharded part's number and its shards' paths, by node (created, listed in `journal/shards`);
    /// nil when the part writes `results.jsonl` (a run that never spanned nodes).
    package var shards: (part: Int, paths: [String])?
    /// The sharded part as every rank must know it (its number and start offset); nil without shards.
    package var shardedPart: (part: Int, startOffset: Double)? {
        shards.map { ($0.part, resumed?.startOffset ?? 0) }
    }

    /// Prepares `configuration.outputDirectory` for `jobHash`.
    ///
    /// - Parameter job: writes each task's parameters; when the job changed (`--force`), a
    ///   journaled task counts as done only if its recorded parameters are the same.
    /// - Parameter keepValues: whether to read the journaled values back (reducers and stage graphs use them).
    /// - Parameter environment: what the model's worker runs under (`RunEnvironment`), recorded
    ///   in the new part; on `--resume` another one than the run's last is refused without `--force`.
    /// - Parameter warn: where a warning goes (a file system without locks, say).
    public static func prepare(
        configuration: RunConfiguration, jobHash: String, job: any ParameterFormatter, taskCount: Int, keepValues: Bool, notes: [String] = [],
        environment: RunEnvironment? = nil, warn: (String) -> Void = { _ in }
    ) throws -> PreparedRun {
        let directory = configuration.outputDirectory
        let metadataPath = directory + "/run.json"
        try OutputFile.makeDirectory(directory)
        try OutputFile.refuseLinkedDirectories(in: directory)
        let lock = try RunLock(directory: directory, warn: warn)
        let hasJournal = JournalShards.exist(in: directory)
        let now = Date().timeIntervalSince1970
        var metadata = RunMetadata(name: configuration.name, contentHash: jobHash, tasksTotal: taskCount, parts: [])
        guard configuration.behaviour.resume, hasJournal else {
            if hasJournal {
                throw RunFileError(
                    path: directory + "/" + JournalShards.singleName,
                    reason: "an earlier run's journal is here; pass --resume to continue it, or another --out")
            }
            // Also --resume with nothing journaled yet: a requeued job that never began starts afresh.
            metadata.parts = [.startingNow(at: 0, startedAt: now, notes: notes, environment: environment)]
            try metadata.write(to: metadataPath)
            return PreparedRun(
                resumed: nil, lock: lock, notes: notes, shards: try shards(of: configuration, part: metadata.parts.count))
        }
        let recorded = try RunMetadata.read(from: metadataPath)
        if recorded.contentHash != jobHash, !configuration.behaviour.force {
            throw RunFileError(
                path: metadataPath,
                reason: "the job file changed since this run began (content hash \(recorded.contentHash), now \(jobHash)); "
                    + "pass --force to resume anyway")
        }
        // A shard deleted by hand is refused; --force accepts its loss, and exactly its tasks run again.
        let journal = try JournalShards(directory: directory, acceptingMissing: configuration.behaviour.force)
        let notes = try notes + EnvironmentCheck(parts: recorded.parts, now: environment, path: metadataPath).notes(force: configuration.behaviour.force)
            + journal.missing.map { "journal shard \($0) was missing: the tasks it held without a line elsewhere run again" }
        let state = try JournalState(
            journal: journal, taskCount: taskCount,
            parts: recorded.parts.map { RunPart(startOffset: $0.startOffset, startedAt: $0.startedAt) },
            keepValues: keepValues, expecting: recorded.contentHash == jobHash ? nil : job)
        var earlierParts = state.parts
        for part in earlierParts.indices {
            let end = part + 1 < earlierParts.count ? earlierParts[part + 1].startOffset : state.lastEnd
            earlierParts[part].wallSeconds = max(0, end - earlierParts[part].startOffset)
        }
        try journal.forgetMissing(in: directory)
        metadata.parts = recorded.parts + [.startingNow(at: state.lastEnd, startedAt: now, notes: notes, environment: environment)]
        try metadata.write(to: metadataPath)
        let retryCancelled = configuration.behaviour.retryCancelled
        let cancelledStages = try RunRecordFile.cancelledStages.read(from: directory)
        // Run again, they are no longer cancelled: a later resume must not cancel them again.
        if retryCancelled, !cancelledStages.isEmpty { try RunRecordFile.cancelledStages.write([], to: directory) }
        var resumed = ResumedWork(
            succeeded: state.succeeded, failedAttempts: state.failedAttempts, values: state.values,
            startOffset: state.lastEnd, earlierParts: earlierParts, earlyStops: try RunRecordFile.earlyStops.read(from: directory),
            changedToRerun: state.changedToRerun, cancelled: retryCancelled ? IndexRanges() : state.cancelledOnly)
        resumed.cancelledStages = retryCancelled ? [] : cancelledStages
        return PreparedRun(
            resumed: resumed, lock: lock, notes: notes, shards: try shards(of: configuration, part: metadata.parts.count))
    }

    /// Part `part`'s shards, created, when it writes shards (`JournalShards.shardsPart`).
    private static func shards(of configuration: RunConfiguration, part: Int) throws -> (part: Int, paths: [String])? {
        let nodes = (configuration.nodeOfRank.max() ?? 0) + 1
        guard JournalShards.shardsPart(nodes: nodes, in: configuration.outputDirectory) else { return nil }
        return (part, try JournalShards.create(part: part, nodes: nodes, in: configuration.outputDirectory))
    }
}
