/// Formats one finished attempt as a `results.jsonl` line.
struct JournalLine {
    /// Appends `record`'s line, newline included, to `json`.
    static func write(_ record: TaskRecord, workload: any Workload, to json: inout JSONWriter) {
        json.beginObject()
        json.key("index")
        json.value(record.index)
        json.key("params")
        workload.writeParameters(of: record.index, to: &json)
        json.key("status")
        json.value(record.status.description)
        json.key("seconds")
        json.value(record.seconds)
        json.key("start")
        json.value(record.start)
        json.key("rank")
        json.value(record.rank)
        json.key("slot")
        json.value(record.slot)
        json.key("attempt")
        json.value(record.attempt)
        json.key("value")
        record.value.write(to: &json)
        json.key("error")
        if let error = record.error { json.value(error) } else { json.null() }
        json.endObject()
        json.newline()
    }
}

extension TaskValue {
    /// Writes the value as JSON: `null`, a number, an array, a string, or the captured document.
    func write(to json: inout JSONWriter) {
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
