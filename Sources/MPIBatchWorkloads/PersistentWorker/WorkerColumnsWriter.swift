import MPIBatchCore

/// Builds a `columns` frame (`docs/worker-protocol.md`), the compact batch for a worker that
/// accepts it: tasks `index ..< index + count` of one attempt, each parameter one JSON array
/// of the tasks' values in order (and, when the worker asks, their seeds as one more array).
/// Tasks are added a row at a time, so the batch can stop at its byte limit.
struct WorkerColumnsWriter {
    /// The first task's index.
    let first: Int
    /// The tasks' attempt.
    let attempt: Int
    private let names: [String]
    private var columns: [JSONWriter]
    private var seeds: JSONWriter?
    /// How many tasks are in it.
    private(set) var count = 0
    /// The bytes of its arrays so far.
    private(set) var byteCount = 0

    /// An empty batch from task `first` for parameters `names`, with a `seeds` array when `withSeeds`.
    init(first: Int, attempt: Int, names: [String], withSeeds: Bool) {
        self.first = first
        self.attempt = attempt
        self.names = names
        columns = names.map { _ in
            var column = JSONWriter(capacity: 4096)
            column.beginArray()
            return column
        }
        if withSeeds {
            var column = JSONWriter(capacity: 8192)
            column.beginArray()
            seeds = column
        }
    }

    /// Adds the next task (index `first + count`): its seed (computed only when the batch
    /// carries seeds), and `writeValue(column, &json)`
    /// writes its value of parameter number `column` (in the `names` order).
    mutating func addRow(seed: @autoclosure () -> Int, writeValue: (Int, inout JSONWriter) -> Void) {
        if seeds != nil { seeds!.value(seed()) }
        var bytes = seeds?.bytes.count ?? 0
        for column in columns.indices {
            writeValue(column, &columns[column])
            bytes += columns[column].bytes.count
        }
        byteCount = bytes
        count += 1
    }

    /// The finished frame.
    consuming func frame() -> [UInt8] {
        var json = JSONWriter(capacity: byteCount + 96 + names.reduce(0) { $0 + $1.utf8.count + 4 })
        json.beginObject()
        json.field("kind", "columns")
        json.field("index", first)
        json.field("count", count)
        json.field("attempt", attempt)
        if var seeds {
            seeds.endArray()
            json.key("seeds")
            json.value(json: seeds.bytes)
        }
        json.key("params")
        json.beginObject()
        for (name, var column) in zip(names, columns) {
            column.endArray()
            json.key(name)
            json.value(json: column.bytes)
        }
        json.endObject()
        json.endObject()
        return WorkerFrame.json(json.bytes)
    }
}
