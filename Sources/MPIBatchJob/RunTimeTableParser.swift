import Yams

/// Reads a stage's `sweep:` whose `table:` names an earlier stage (`{stages.NAME.dir}` or
/// `{stages.NAME.value}`) into a `RunTimeTable`: `table:`, `types:` (required: the columns)
/// and `max_tasks:`. What can be checked before the run is checked here: the stages named
/// are upstream, the columns are declared, the bound is positive.
struct RunTimeTableParser {
    let reader: NodeReader
    let jobDirectory: String

    /// The `table:` node of a `sweep:` mapping when its text names a stage; nil otherwise.
    static func tableNode(of sweep: Node) -> Node? {
        guard let table = sweep.mapping?.first(where: { $0.key.scalar?.string == "table" })?.value,
            let text = table.scalar?.string, RunTimeTable.isRunTime(text)
        else { return nil }
        return table
    }

    /// The run-time table of `sweep` (whose `table:` is `table`), in a stage after `upstream`.
    func parse(_ sweep: Node, table: Node, upstream: UpstreamStages) throws(JobFileError) -> RunTimeTable {
        let entries = try reader.mapping(sweep, "sweep", allowed: ["table", "types", "max_tasks"])
        let source = try reader.string(table, "table")
        for name in RunTimeTable.referencedStages(in: source) where !upstream.contains(name) {
            throw reader.error(
                at: table, "table: reads stage '\(name)', which is not upstream of this stage (add it to after:)"
                    + DidYouMean.suffix(for: name, among: upstream.names))
        }
        if source.contains(".value}"), RunTimeTable.valueSource(source) == nil {
            throw reader.error(at: table, "table: \"{stages.NAME.value}\" must be the whole text (a JSON list of objects in the stage's value)")
        }
        guard let typesEntry = entries.first(where: { $0.key == "types" }) else {
            throw reader.error(at: table, "a table read at run time needs types: naming its columns (e.g. types: {x: real, label: text})")
        }
        var columns: [(name: String, type: CSVColumnType)] = []
        for entry in try reader.mapping(typesEntry.value, "types") {
            let text = try reader.string(entry.value, "the type of column '\(entry.key)'")
            guard let type = CSVColumnType(rawValue: text) else {
                let names = CSVColumnType.allCases.map(\.rawValue)
                throw reader.error(
                    at: entry.value, "column type '\(text)' is not one of \(names.joined(separator: ", "))" + DidYouMean.suffix(for: text, among: names))
            }
            if ["index", "seed", "replicate"].contains(entry.key) {
                throw reader.error(at: entry.keyNode, "parameter name '\(entry.key)' is reserved ({index}, {seed}, {replicate} always exist)")
            }
            if entry.key == SweepParser.stageKey { throw reader.error(at: entry.keyNode, SweepParser.stageKeyReserved) }
            columns.append((entry.key, type))
        }
        guard !columns.isEmpty else { throw reader.error(at: typesEntry.value, "types: is empty: name the table's columns") }
        var maxTasks = RunTimeTable.defaultMaxTasks
        if let entry = entries.first(where: { $0.key == "max_tasks" }) {
            maxTasks = try reader.integer(entry.value, "max_tasks")
            guard maxTasks >= 1, maxTasks <= 100_000_000 else {
                throw reader.error(at: entry.value, "max_tasks must be from 1 to 100000000, not \(maxTasks)")
            }
        }
        return RunTimeTable(source: source, columns: columns, maxTasks: maxTasks, jobDirectory: jobDirectory)
    }
}
