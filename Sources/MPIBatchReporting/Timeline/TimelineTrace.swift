import MPIBatchCore

/// `timeline.json`: the run in Chrome's trace event format, for Perfetto or
/// chrome://tracing. A process per rank, a thread per slot, a complete (`X`) event per
/// bar with its times in microseconds since the run began on its rank.
enum TimelineTrace {
    /// The trace of `rows`, captioned by `caption`.
    static func json(rows: [TimelineRow], details: TimelineDetails, caption: TimelineCaption, summary: RunSummary)
        -> [UInt8]
    {
        var json = JSONWriter(capacity: 256 * (caption.bars + 2 * rows.count) + 4096)
        json.beginObject()
        json.key("traceEvents")
        json.beginArray()
        var named: Set<Int> = []
        for row in rows {
            if named.insert(row.id.rank).inserted {
                metadata("process_name", row: row, thread: false, text: row.rankName, to: &json)
                metadata("process_sort_index", row: row, thread: false, number: row.id.rank, to: &json)
            }
            metadata("thread_name", row: row, thread: true, text: row.slotName, to: &json)
            metadata("thread_sort_index", row: row, thread: true, number: row.id.slot, to: &json)
            for startup in row.startups { event(startup, row: row, to: &json) }
            for span in row.spans { event(span, row: row, details: details, to: &json) }
        }
        json.endArray()
        json.field("displayTimeUnit", "ms")
        json.key("otherData")
        otherData(caption: caption, summary: summary, omittedDetails: details.omitted, to: &json)
        json.endObject()
        json.newline()
        return json.bytes
    }

    /// The trace viewer's colour and the category of a bar's status (`nil`: mixed).
    static func style(of status: TaskStatus?) -> (colour: StaticString, category: StaticString) {
        switch status {
        case .ok: ("good", "ok")
        case .failed: ("bad", "failed")
        case .timeout: ("yellow", "timeout")
        case .interrupted: ("grey", "interrupted")
        case .cancelled: ("white", "cancelled")
        case nil: ("olive", "mixed")
        }
    }

    /// A bar's event, in fixed fragments and numbers (one per bar: up to 50,000).
    private static func event(_ span: TimelineSpan, row: TimelineRow, details: TimelineDetails, to json: inout JSONWriter) {
        let (colour, category) = style(of: span.status)
        let single = span.count == 1
        json.beginObject()
        json.appendPieces(capacity: 320 + 12 * JSONPieces.maximumNumberBytes) { event in
            if single {
                event.fragment("\"name\":\"task ")
                event.integer(span.index)
                event.fragment("\",\"cat\":\"")
            } else {
                event.fragment("\"name\":\"busy: ")
                event.integer(span.count)
                event.fragment(" tasks\",\"cat\":\"busy,")
            }
            event.fragment(category)
            event.fragment("\",\"ph\":\"X\",\"ts\":")
            event.double(microseconds(span.start))
            event.fragment(",\"dur\":")
            event.double(microseconds(span.seconds))
            event.fragment(",\"pid\":")
            event.integer(row.id.rank)
            event.fragment(",\"tid\":")
            event.integer(row.id.slot)
            event.fragment(",\"cname\":\"")
            event.fragment(colour)
            event.fragment(single ? "\",\"args\":{\"index\":" : "\",\"args\":{\"first_index\":")
            event.integer(span.index)
            guard !single else {
                event.fragment(",\"attempt\":")
                event.integer(Int(span.attempt))
                event.fragment(",\"status\":\"")
                event.fragment(category)
                return event.fragment("\"")
            }
            event.fragment(",\"tasks\":")
            event.integer(span.count)
            for status in TimelineCaption.statuses where span.counts[Int(status.rawValue)] > 0 {
                event.fragment(",\"")
                event.fragment(style(of: status).category)
                event.fragment("\":")
                event.integer(Int(span.counts[Int(status.rawValue)]))
            }
        }
        let extra = details[span.detail]
        if single, !extra.isEmpty {
            json.fragment(",")
            json.members(Array(extra))
        }
        json.endObject()
        json.endObject()
    }

    /// A persistent worker's start-up, before the task that waited for it.
    private static func event(_ startup: TimelineStartups.Startup, row: TimelineRow, to json: inout JSONWriter) {
        json.beginObject()
        json.field("name", "worker start-up")
        json.field("cat", "startup")
        json.field("ph", "X")
        json.field("ts", microseconds(startup.start))
        json.field("dur", microseconds(startup.end - startup.start))
        json.field("pid", row.id.rank)
        json.field("tid", row.id.slot)
        json.field("cname", "startup")
        json.key("args")
        json.beginObject()
        json.field("before_index", startup.index)
        json.endObject()
        json.endObject()
    }

    /// Seconds as microseconds, rounded to the nanosecond.
    private static func microseconds(_ seconds: Double) -> Double { (seconds * 1e9).rounded() / 1e3 }

    private static func metadata(
        _ name: String, row: TimelineRow, thread: Bool, text: String? = nil, number: Int? = nil,
        to json: inout JSONWriter
    ) {
        json.beginObject()
        json.field("name", name)
        json.field("ph", "M")
        json.field("pid", row.id.rank)
        if thread {
            json.field("tid", row.id.slot)
        }
        json.key("args")
        json.beginObject()
        if let text {
            json.field("name", text)
        }
        if let number {
            json.field("sort_index", number)
        }
        json.endObject()
        json.endObject()
    }

    private static func otherData(
        caption: TimelineCaption, summary: RunSummary, omittedDetails: Int, to json: inout JSONWriter
    ) {
        json.beginObject()
        json.field("job", summary.name)
        json.field("title", caption.title)
        json.field("attempts", caption.attempts)
        for (key, number) in [
            ("wall_seconds", summary.wallSeconds), ("speedup", summary.speedup), ("efficiency", summary.efficiency),
        ] {
            json.key(key)
            json.value(number)
        }
        json.field("bars", caption.bars)
        json.field("merged", caption.merging != nil)
        if let merging = caption.merging {
            json.field("merging", merging)
        }
        if omittedDetails > 0 {
            json.field("params_omitted", "\(omittedDetails) attempts' params and error left out of args to keep the file small")
        }
        json.field("time_origin", "ts is microseconds since the run began on the event's rank")
        json.endObject()
    }
}
