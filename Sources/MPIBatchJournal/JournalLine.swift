import MPIBatchCore

/// Formats one finished attempt as a `results.jsonl` line.
struct JournalLine {
    /// How every line begins; a file ending in a part of a line that begins so is a torn write.
    static let prefix = Array(#"{"index":"#.utf8)

    /// Appends `record`'s line, newline included, to `json`. Keys are fixed
    /// fragments and times fixed-point: this runs once per task on rank 0.
    /// `startOffset` is added to the record's start (see `Journal.init`). A shard's line
    /// (`part`, its run part) carries `"part"` and `"seq"` (the record's dispatch sequence
    /// number) after `index`; a line of `results.jsonl` (no `part`) has neither.
    ///
    /// Returns the line as `JournalLineScanner` reads it back, times included (its ranges
    /// count from the line's first byte).
    @discardableResult
    static func write(
        _ record: TaskRecord, workload: any ParameterFormatter, startOffset: Double = 0, part: Int? = nil,
        to json: inout JSONWriter
    ) -> JournalEntry {
        let lineStart = json.bytes.count
        var entry = JournalEntry(
            index: record.index, attempt: record.attempt, status: record.status, rank: record.rank, slot: record.slot,
            start: asWritten(record.start + startOffset), seconds: asWritten(record.seconds))
        entry.startedAt = record.startedAt.map { asWritten($0, scale: 1e6) }
        // A task that runs a process of its own per attempt has its fields on every line, null
        // where absent (one schema for a command run); any other line has each only when known
        // (a persistent worker that died under its task: its exit status or signal).
        let process = workload.runsProcess(record.index)
        entry.exitCode = record.exitCode.map(Int.init)
        entry.signal = record.signal.map(Int.init)
        entry.maxRSSBytes = record.usage?.maxRSSBytes
        entry.cpuSeconds = record.usage.map { asWritten($0.cpuSeconds) }
        entry.workerStartSeconds = record.workerStartSeconds.map { asWritten($0) }
        json.appendPieces(capacity: 40 + 3 * JSONPieces.maximumNumberBytes) { line in
            line.fragment("{\"index\":")
            line.integer(record.index)
            if let part {
                line.fragment(",\"part\":")
                line.integer(part)
                line.fragment(",\"seq\":")
                line.integer(record.sequence)
            }
            line.fragment(",\"params\":")
        }
        if let part {
            entry.part = part
            entry.sequence = record.sequence
        }
        var mark = json.bytes.count
        workload.writeParameters(of: record.index, to: &json)
        entry.params = (mark - lineStart)..<(json.bytes.count - lineStart)
        // The fixed fields in one append: 11 numbers at most, and their keys.
        json.appendPieces(capacity: 200 + 11 * JSONPieces.maximumNumberBytes) { line in
            switch record.status {
            case .ok: line.fragment(",\"status\":\"ok\",\"seconds\":")
            case .failed: line.fragment(",\"status\":\"failed\",\"seconds\":")
            case .timeout: line.fragment(",\"status\":\"timeout\",\"seconds\":")
            case .interrupted: line.fragment(",\"status\":\"interrupted\",\"seconds\":")
            case .cancelled: line.fragment(",\"status\":\"cancelled\",\"seconds\":")
            }
            line.fixedPoint(record.seconds)
            line.fragment(",\"start\":")
            line.fixedPoint(record.start + startOffset)
            line.fragment(",\"started_at\":")
            if let startedAt = record.startedAt { line.epochSeconds(startedAt) } else { line.null() }
            line.fragment(",\"rank\":")
            line.integer(record.rank)
            line.fragment(",\"slot\":")
            line.integer(record.slot)
            line.fragment(",\"attempt\":")
            line.integer(record.attempt)
            if process || record.exitCode != nil {
                line.fragment(",\"exit_code\":")
                if let exitCode = record.exitCode { line.integer(Int(exitCode)) } else { line.null() }
            }
            if process || record.signal != nil {
                line.fragment(",\"signal\":")
                if let signal = record.signal { line.integer(Int(signal)) } else { line.null() }
            }
            line.fragment(",\"cpu_seconds\":")
            if let usage = record.usage { line.fixedPoint(usage.cpuSeconds) } else { line.null() }
            if process || record.usage?.maxRSSBytes != nil {
                line.fragment(",\"max_rss_bytes\":")
                if let bytes = record.usage?.maxRSSBytes { line.integer(bytes) } else { line.null() }
            }
            if let seconds = record.workerStartSeconds {
                line.fragment(",\"worker_start_seconds\":")
                line.fixedPoint(seconds)
            }
        }
        if let gpus = record.gpus {
            json.fragment(",\"gpus\":")
            json.value(gpus)
        }
        switch record.value {
        case .none: break  // no value, no key: absent reads as null
        default:
            json.fragment(",\"value\":")
            mark = json.bytes.count
            record.value.write(to: &json)
            entry.value = (mark - lineStart)..<(json.bytes.count - lineStart)
        }
        if let error = record.error {
            json.fragment(",\"error\":")
            mark = json.bytes.count
            json.value(error)
            entry.error = (mark - lineStart)..<(json.bytes.count - lineStart)
        }
        if let log = record.log {
            json.fragment(",\"log\":")
            mark = json.bytes.count
            log.write(to: &json)
            entry.log = (mark - lineStart)..<(json.bytes.count - lineStart)
        }
        json.endObject()
        json.newline()
        return entry
    }
}

extension JournalLine {
    /// `seconds` as `JSONWriter.fixedPoint` writes it to 1/`scale` and the scanner reads it back:
    /// both divisions of exact operands, so the same double.
    static func asWritten(_ seconds: Double, scale: Double = 1e9) -> Double {
        guard seconds.isFinite, seconds >= 0, seconds < 9e9 else { return seconds }
        return (seconds * scale).rounded() / scale
    }
}

extension TaskLog {
    /// `{"out":[offset,length],"err":[offset,length]}` (a third number: bytes dropped), or
    /// `{"out":"logs/7.out","err":"logs/7.err"}`.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        switch self {
        case .rankFiles(let stdout, let stderr):
            for (key, span) in [("out", stdout), ("err", stderr)] {
                json.key(key)
                json.beginArray()
                json.value(span.offset)
                json.value(span.length)
                if span.dropped > 0 { json.value(span.dropped) }
                json.endArray()
            }
        case .taskFiles(let stdout, let stderr):
            json.field("out", stdout)
            json.field("err", stderr)
        }
        json.endObject()
    }
}

extension TaskValue {
    /// Writes the value as JSON: `null`, a number, an array, a string, or the captured document.
    package func write(to json: inout JSONWriter) {
        switch self {
        case .none: json.null()
        case .number(let number): json.value(number)
        case .numbers(let numbers):
            json.beginArray()
            for number in numbers { json.value(number) }
            json.endArray()
        case .text(let text): json.value(text)
        case .json(let document): json.raw(document)
        }
    }
}

/// The journal's formatting alone, for `mpibatch-bench journal`.
public enum JournalBenchmark {
    /// Formats `count` typical lines (in batches, as the journal does); returns the bytes produced.
    public static func formatLines(_ count: Int, workload: any ParameterFormatter) -> Int {
        var json = JSONWriter(capacity: 1 << 20)
        var total = 0
        var record = TaskRecord(
            index: 0, attempt: 1, status: .ok, rank: 1, slot: 0, start: 1.234567, seconds: 0.000000187,
            value: .none, error: nil, startedAt: 1_796_175_893.601282)
        for index in 0..<count {
            record.index = index
            JournalLine.write(record, workload: workload, to: &json)
            if json.bytes.count > 1 << 19 {
                total += json.bytes.count
                json.reset()
            }
        }
        return total + json.bytes.count
    }

    /// What `--resume` reads from the journal at `path` of a `taskCount`-task job, alone:
    /// the lines, the tasks already done and the holes left, for `mpibatch-bench resume`.
    public static func readForResume(path: String, taskCount: Int) throws -> (lines: Int, done: Int, holes: Int) {
        let state = try JournalState(journal: JournalShards(file: path), taskCount: taskCount, parts: [], keepValues: false)
        let done = state.succeeded.count
        return (state.parts.reduce(0) { $0 + $1.attempts }, done, state.succeeded.gaps(in: 0..<taskCount).count)
    }
}
