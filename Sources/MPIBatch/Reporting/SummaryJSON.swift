extension RunSummary {
    /// `summary.json`: the CONTRACT.md fields, then per-rank, per-slot and failure detail.
    public func json() -> [UInt8] {
        var json = JSONWriter(capacity: 4096)
        json.beginObject()
        json.key("name")
        json.value(name)
        for (key, number) in [
            ("tasks_total", tasksTotal), ("tasks_succeeded", tasksSucceeded), ("tasks_failed", tasksFailed),
            ("tasks_not_run", max(0, tasksTotal - tasksSucceeded - tasksFailed)), ("attempts", attempts),
            ("ranks", slotsPerRank.count), ("slots", totalSlots),
        ] {
            json.key(key)
            json.value(number)
        }
        for (key, number) in [
            ("wall_seconds", wallSeconds), ("task_seconds", taskSeconds), ("speedup", speedup),
            ("efficiency", efficiency), ("imbalance", imbalance), ("throughput_tasks_per_second", throughput),
            ("overhead_seconds_per_task", overheadSecondsPerTask),
            ("improvement_over_sequential", taskSeconds > 0 ? 1 - wallSeconds / taskSeconds : 0),
        ] {
            json.key(key)
            json.value(number)
        }
        json.key("sequential_baseline")
        json.value("estimated: task_seconds, the sum of every attempt's time")
        json.key("chunk_policy")
        json.value(chunkPolicy.rawValue)
        json.key("interrupted")
        json.value(interrupted)
        json.key("unresponsive_ranks")
        json.beginArray()
        for (rank, host) in unresponsiveRanks {
            json.beginObject()
            json.key("rank")
            json.value(rank)
            json.key("host")
            json.value(host)
            json.endObject()
        }
        json.endArray()
        json.key("stop_reason")
        if let stopReason { json.value(stopReason) } else { json.null() }
        json.members(extraFields)
        json.key("notes")
        json.beginArray()
        for line in extraLines { json.value(line) }
        json.endArray()
        writeRanks(to: &json)
        writeSlots(to: &json)
        writeFailures(to: &json)
        json.endObject()
        json.newline()
        return json.bytes
    }

    private func writeRanks(to json: inout JSONWriter) {
        json.key("per_rank")
        json.beginArray()
        for rank in ranks {
            json.beginObject()
            json.key("rank")
            json.value(rank.rank)
            json.key("host")
            json.value(rank.host)
            json.key("slots")
            json.value(rank.slots)
            json.key("tasks")
            json.value(rank.tasks)
            json.key("busy_seconds")
            json.value(rank.busySeconds)
            json.key("utilisation")
            json.value(wallSeconds > 0 ? rank.busySeconds / (wallSeconds * Double(max(1, rank.slots))) : 0)
            json.key("cpu_seconds")
            json.value(rank.cpuSeconds)
            json.endObject()
        }
        json.endArray()
    }

    private func writeSlots(to json: inout JSONWriter) {
        json.key("per_slot")
        json.beginArray()
        for slot in slots {
            json.beginObject()
            json.key("rank")
            json.value(slot.rank)
            json.key("slot")
            json.value(slot.slot)
            json.key("tasks")
            json.value(slot.tasks)
            json.key("busy_seconds")
            json.value(slot.busySeconds)
            json.key("utilisation")
            json.value(wallSeconds > 0 ? slot.busySeconds / wallSeconds : 0)
            json.endObject()
        }
        json.endArray()
    }

    private func writeFailures(to json: inout JSONWriter) {
        json.key("failures")
        json.beginArray()
        for failure in failures {
            json.beginObject()
            json.key("index")
            json.value(failure.index)
            json.key("rank")
            json.value(failure.rank)
            json.key("attempt")
            json.value(failure.attempt)
            json.key("status")
            json.value(failure.status.description)
            json.key("error")
            json.value(failure.error)
            json.endObject()
        }
        json.endArray()
    }
}
