import Foundation

/// Reads a finished run's `summary.json` back, for `mpibatch report DIR`.
public enum RunReport {
    /// The human summary of the run in `directory`.
    public static func render(directory: String) throws(RunFileError) -> String {
        try load(directory: directory).humanText()
    }

    /// The summary stored in `directory/summary.json`.
    public static func load(directory: String) throws(RunFileError) -> RunSummary {
        let path = directory + "/summary.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunFileError(path: path, reason: "no such file (is this a run's output directory?)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RunFileError(path: path, reason: "not a JSON object")
        }
        let fields = Fields(object: object)
        let ranks = fields.objects("per_rank").map { rank in
            RunSummary.Rank(
                rank: rank.int("rank"), host: rank.string("host"), slots: rank.int("slots"), tasks: rank.int("tasks"),
                busySeconds: rank.double("busy_seconds"), cpuSeconds: rank.double("cpu_seconds"),
                maxTaskRSSBytes: rank.int("max_task_rss_bytes"))
        }
        return RunSummary(
            name: fields.string("name"), chunkPolicy: ChunkPolicy(rawValue: fields.string("chunk_policy")) ?? .auto,
            tasksTotal: fields.int("tasks_total"), tasksSucceeded: fields.int("tasks_succeeded"),
            tasksFailed: fields.int("tasks_failed"), attempts: fields.int("attempts"),
            wallSeconds: fields.double("wall_seconds"), taskSeconds: fields.double("task_seconds"),
            slotsPerRank: ranks.map(\.slots), stopReason: object["stop_reason"] as? String,
            interrupted: object["interrupted"] as? Bool ?? false,
            unresponsiveRanks: fields.objects("unresponsive_ranks").map { (rank: $0.int("rank"), host: $0.string("host")) },
            ranks: ranks,
            slots: fields.objects("per_slot").map { slot in
                RunSummary.Slot(
                    rank: slot.int("rank"), slot: slot.int("slot"), tasks: slot.int("tasks"),
                    busySeconds: slot.double("busy_seconds"))
            },
            failures: fields.objects("failures").map { failure in
                RunSummary.Failure(
                    index: failure.int("index"), rank: failure.int("rank"), attempt: failure.int("attempt"),
                    status: failure.string("status") == "timeout" ? .timeout : .failed, error: failure.string("error"))
            },
            extraFields: [], extraLines: object["notes"] as? [String] ?? [],
            parts: fields.objects("parts").map { part in
                var loaded = RunPart(startOffset: part.double("start_offset"), startedAt: part.double("started_at"))
                loaded.wallSeconds = part.double("wall_seconds")
                loaded.attempts = part.int("attempts")
                loaded.taskSeconds = part.double("task_seconds")
                return loaded
            },
            findings: (object["findings"] as? [[String: Any]] ?? []).map(finding),
            journalFailure: object["journal_failure"] as? String, coreWeighted: object["task_seconds_weighted_by_cores"] as? Bool ?? false)
    }

    /// A finding read back: its fixed fields, and every other number as one of its numbers.
    private static func finding(_ object: [String: Any]) -> Finding {
        let fixed: Set = ["kind", "message", "recommendation"]
        return Finding(
            kind: object["kind"] as? String ?? "", message: object["message"] as? String ?? "",
            numbers: object.keys.filter { !fixed.contains($0) }.sorted().compactMap { key in
                (object[key] as? NSNumber).map { Finding.Number(key, $0.doubleValue) }
            },
            recommendation: object["recommendation"] as? String ?? "")
    }

    /// Typed reads of a decoded JSON object; a missing field reads as zero or empty.
    private struct Fields {
        let object: [String: Any]
        func int(_ key: String) -> Int { (object[key] as? NSNumber)?.intValue ?? 0 }
        func double(_ key: String) -> Double { (object[key] as? NSNumber)?.doubleValue ?? 0 }
        func string(_ key: String) -> String { object[key] as? String ?? "" }
        func objects(_ key: String) -> [Fields] { (object[key] as? [[String: Any]] ?? []).map(Fields.init) }
    }
}
