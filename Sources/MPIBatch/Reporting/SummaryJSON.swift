extension RunSummary {
    /// `summary.json`: the CONTRACT.md fields, then per-rank, per-slot and failure detail.
    public func json() -> [UInt8] {
        var json = JSONWriter(capacity: 4096)
        json.beginObject()
        json.field("name", name)
        json.field("tasks_total", tasksTotal)
        json.field("tasks_succeeded", tasksSucceeded)
        json.field("tasks_failed", tasksFailed)
        json.field("tasks_cancelled", tasksCancelled)
        json.field("tasks_not_run", max(0, tasksTotal - tasksSucceeded - tasksFailed - tasksCancelled))
        json.field("attempts", attempts)
        json.field("ranks", slotsPerRank.count)
        json.field("slots", totalSlots)
        json.field("wall_seconds", wallSeconds)
        json.field("task_seconds", taskSeconds)
        json.field("speedup", speedup)
        json.field("efficiency", efficiency)
        json.field("imbalance", imbalance)
        json.field("throughput_tasks_per_second", throughput)
        json.field("overhead_seconds_per_task", overheadSecondsPerTask)
        json.field("improvement_over_sequential", taskSeconds > 0 ? 1 - wallSeconds / taskSeconds : 0)
        json.field(
            "sequential_baseline",
            coreWeighted
                ? "estimated: task_seconds, the sum of every attempt's time × its cores (core-seconds: a task of k cores "
                    + "is taken to need k times as long on one core, which is optimistic for it)"
                : "estimated: task_seconds, the sum of every attempt's time")
        json.field("task_seconds_weighted_by_cores", coreWeighted)
        json.field("chunk_policy", chunkPolicy.rawValue)
        json.field("interrupted", interrupted)
        json.key("unresponsive_ranks")
        json.beginArray()
        for (rank, host) in unresponsiveRanks {
            json.beginObject()
            json.field("rank", rank)
            json.field("host", host)
            json.endObject()
        }
        json.endArray()
        json.key("stop_reason")
        if let stopReason { json.value(stopReason) } else { json.null() }
        json.key("journal_failure")
        if let journalFailure { json.value(journalFailure) } else { json.null() }
        writeParts(to: &json)
        json.key("findings")
        json.beginArray()
        for finding in findings { finding.write(to: &json) }
        json.endArray()
        json.members(extraFields)
        json.key("notes")
        json.beginArray()
        for line in extraLines { json.value(line) }
        json.endArray()
        writeNodes(to: &json)
        writeRanks(to: &json)
        writeSlots(to: &json)
        writeFailures(to: &json)
        json.endObject()
        json.newline()
        return json.bytes
    }

    private func writeParts(to json: inout JSONWriter) {
        json.key("parts")
        json.beginArray()
        for part in parts {
            json.beginObject()
            json.field("started_at", part.startedAt)
            json.field("start_offset", part.startOffset)
            json.field("wall_seconds", part.wallSeconds)
            json.field("attempts", part.attempts)
            json.field("task_seconds", part.taskSeconds)
            json.endObject()
        }
        json.endArray()
    }

    private func writeNodes(to json: inout JSONWriter) {
        json.key("per_node")
        json.beginArray()
        for node in nodes {
            json.beginObject()
            json.field("host", node.host)
            json.field("ranks", node.ranks.count)
            json.key("rank_numbers")
            json.beginArray()
            for rank in node.ranks { json.value(rank) }
            json.endArray()
            json.field("slots", node.slots)
            json.field("tasks", node.tasks)
            json.field("busy_seconds", node.busySeconds)
            json.field(
                "utilisation",
                partWallSeconds > 0 ? node.busySeconds / (partWallSeconds * Double(max(1, node.slots))) : 0)
            json.endObject()
        }
        json.endArray()
    }

    private func writeRanks(to json: inout JSONWriter) {
        json.key("per_rank")
        json.beginArray()
        for rank in ranks {
            json.beginObject()
            json.field("rank", rank.rank)
            json.field("host", rank.host)
            json.field("slots", rank.slots)
            json.field("tasks", rank.tasks)
            json.field("busy_seconds", rank.busySeconds)
            json.field(
                "utilisation",
                partWallSeconds > 0 ? rank.busySeconds / (partWallSeconds * Double(max(1, rank.slots))) : 0)
            json.field("cpu_seconds", rank.cpuSeconds)
            json.field("cpu_per_busy", rank.busySeconds > 0 ? rank.cpuSeconds / rank.busySeconds : 0)
            json.field("max_task_rss_bytes", rank.maxTaskRSSBytes)
            json.endObject()
        }
        json.endArray()
    }

    private func writeSlots(to json: inout JSONWriter) {
        json.key("per_slot")
        json.beginArray()
        for slot in slots {
            json.beginObject()
            json.field("rank", slot.rank)
            json.field("slot", slot.slot)
            json.field("tasks", slot.tasks)
            json.field("busy_seconds", slot.busySeconds)
            json.field("utilisation", partWallSeconds > 0 ? slot.busySeconds / partWallSeconds : 0)
            json.endObject()
        }
        json.endArray()
    }

    private func writeFailures(to json: inout JSONWriter) {
        json.key("failures")
        json.beginArray()
        for failure in failures {
            json.beginObject()
            json.field("index", failure.index)
            json.field("rank", failure.rank)
            json.field("attempt", failure.attempt)
            json.field("status", failure.status.description)
            json.field("error", failure.error)
            json.endObject()
        }
        json.endArray()
    }
}
