import Foundation
import MPIBatchCore

/// A stage's `sweep: {table: …}` that is read when the stage becomes ready, not at load
/// time: a CSV file an earlier stage wrote (`table: "{stages.prep.dir}/cases.csv"`), or an
/// earlier stage's value, a JSON list of objects (`table: "{stages.pick.value}"`).
///
/// `types:` declares its columns (the task's templates are checked against them at load
/// time); `max_tasks:` (default 10,000) bounds its rows, the room the stage takes in the
/// run's index space. When the stage becomes ready rank 0 reads the source and freezes a
/// copy in the stage's directory (`sweep-table.csv` or `sweep-table.json`); every rank
/// expands the stage from that copy, and so does a resume: the stage's size is fixed once
/// it has been expanded.
public struct RunTimeTable: Sendable {
    /// The `table:` text, with `{stages.NAME.dir}` and `{stages.NAME.value}` in it.
    public var source: String
    /// The declared columns, in the order the journal writes them.
    var columns: [(name: String, type: CSVColumnType)]
    /// The most rows the table may have.
    public var maxTasks: Int
    /// The job file's directory, against which a relative path is taken.
    public var jobDirectory: String

    /// `max_tasks:` when not given.
    public static let defaultMaxTasks = 10_000

    /// The space the templates are checked against before the table exists: one task whose
    /// parameters are the declared columns, in order (the expanded space keeps that order).
    public var placeholderSpace: IndexSpace {
        IndexSpace(axes: [columns.map { ($0.name, ParameterColumn.list([.string("{\($0.name)}")])) }])!
    }

    /// The names of the stages `{stages.NAME.…}` refers to in `text`.
    public static func referencedStages(in text: String) -> [String] {
        text.matches(of: /\{stages\.([A-Za-z0-9_-]+)\.(dir|value)\}/).map { String($0.output.1) }
    }

    /// The stage whose value `text` is, when it is exactly `{stages.NAME.value}`.
    static func valueSource(_ text: String) -> String? {
        let names = referencedStages(in: text)
        guard names.count == 1, text == "{stages.\(names[0]).value}" else { return nil }
        return names[0]
    }

    /// Whether `text` (a `table:`) is read at run time.
    public static func isRunTime(_ text: String) -> Bool { !referencedStages(in: text).isEmpty }

    /// Reads the source (`directoryOf` gives a stage's directory by name), checks it, and freezes
    /// it into `stageDirectory`, unless a frozen copy is there already (a resume); returns the row count.
    public func freeze(
        into stageDirectory: String, directoryOf: (String) -> String
    ) throws(RunTimeTableError) -> Int {
        if (try? Self.frozen(in: stageDirectory)) != nil { return try expand(in: stageDirectory).taskCount }
        let (bytes, isJSON, path) = try read(directoryOf: directoryOf)
        let table = try rows(bytes, isJSON: isJSON, path: path)
        let frozen = stageDirectory + "/" + (isJSON ? Self.frozenJSON : Self.frozenCSV)
        do {
            try OutputFile.makeDirectory(stageDirectory, runsOwn: 2)  // stages/NAME
            try OutputFile.replace(frozen, with: bytes)
        } catch {
            throw RunTimeTableError("cannot freeze the stage's table into \(frozen): \(error)")
        }
        return table.count
    }

    /// The stage's index space from its frozen copy in `stageDirectory`.
    public func expand(in stageDirectory: String) throws(RunTimeTableError) -> IndexSpace {
        let (path, isJSON) = try Self.frozen(in: stageDirectory)
        guard let data = FileManager.default.contents(atPath: path) else { throw RunTimeTableError("cannot read \(path)") }
        let table = try rows([UInt8](data), isJSON: isJSON, path: path)
        let axis = columns.indices.map { column in (columns[column].name, ParameterColumn.list(table.map { $0[column] })) }
        guard !table.isEmpty, let space = IndexSpace(axes: [axis]) else { throw RunTimeTableError("\(path) has no rows") }
        return space
    }

    private static let frozenCSV = "sweep-table.csv"
    private static let frozenJSON = "sweep-table.json"

    /// The frozen copy in `stageDirectory`, and whether it is JSON.
    private static func frozen(in stageDirectory: String) throws(RunTimeTableError) -> (String, Bool) {
        for (name, isJSON) in [(frozenCSV, false), (frozenJSON, true)]
        where FileManager.default.fileExists(atPath: stageDirectory + "/" + name) {
            return (stageDirectory + "/" + name, isJSON)
        }
        throw RunTimeTableError("the stage's table was never expanded (no \(frozenCSV) in \(stageDirectory))")
    }

    /// The source's bytes, whether they are a JSON value, and where they came from.
    private func read(directoryOf: (String) -> String) throws(RunTimeTableError) -> ([UInt8], Bool, String) {
        let valueOf = Self.valueSource(source)
        var path = source
        if let valueOf {
            path = directoryOf(valueOf) + "/value.json"
        } else {
            for name in Self.referencedStages(in: source) {
                path = path.replacing("{stages.\(name).dir}", with: directoryOf(name))
            }
            if !path.hasPrefix("/") { path = (jobDirectory as NSString).appendingPathComponent(path) }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunTimeTableError("cannot read the stage's table \(path) (from table: \"\(source)\")")
        }
        return ([UInt8](data), valueOf != nil, path)
    }

    /// The rows of a CSV or JSON table, each with the declared columns' values in order. A
    /// table of more than `maxTasks` rows is refused as soon as its next row is seen, so that
    /// the rows beyond are never held.
    private func rows(_ bytes: [UInt8], isJSON: Bool, path: String) throws(RunTimeTableError) -> [[ParameterValue]] {
        isJSON ? try jsonRows(bytes, path: path) : try csvRows(bytes, path: path)
    }

    private func tooManyRows(_ path: String) -> RunTimeTableError {
        RunTimeTableError("\(path) has more rows than the stage's max_tasks of \(maxTasks): raise max_tasks:")
    }

    private func csvRows(_ bytes: [UInt8], path: String) throws(RunTimeTableError) -> [[ParameterValue]] {
        let table: CSVTable
        do {
            let text = try SourceText.decode(bytes, path: path)
            table = try CSVTable(
                parsing: text, path: path, types: Dictionary(columns.map { ($0.name, $0.type) }, uniquingKeysWith: { $1 }),
                maxRows: maxTasks)
        } catch {
            throw RunTimeTableError("\(error)")
        }
        guard !table.hasMoreRows else { throw tooManyRows(path) }
        let positions = try columns.map { (column) throws(RunTimeTableError) -> Int in
            guard let position = table.names.firstIndex(of: column.name) else {
                throw RunTimeTableError("\(path):1:1: the table has no column '\(column.name)', which types: declares")
            }
            return position
        }
        let count = table.columns.first?.count ?? 0
        return (0..<count).map { row in positions.map { table.columns[$0][row] } }
    }

    /// A JSON list of objects: each declared column is the member's own JSON text (a string's
    /// contents), read as its declared type, so `true` stays `true` and an object its JSON.
    private func jsonRows(_ bytes: [UInt8], path: String) throws(RunTimeTableError) -> [[ParameterValue]] {
        let notAList = "\(path): the stage's value is not a JSON list of objects"
        let list: (items: [Range<Int>], more: Bool)
        do {
            list = try JSONExtents.items(ofList: bytes, limit: maxTasks)
        } catch {
            throw RunTimeTableError("\(notAList) (\(error.reason) at byte \(error.offset + 1))")
        }
        guard !list.more else { throw tooManyRows(path) }
        return try list.items.enumerated().map { (row, item) throws(RunTimeTableError) -> [ParameterValue] in
            guard let members = try? JSONExtents.members(ofObject: bytes, in: item) else {
                throw RunTimeTableError("\(path): item \(row) of the list is not an object")
            }
            return try columns.map { (column) throws(RunTimeTableError) -> ParameterValue in
                guard let field = members.last(where: { $0.key == column.name }) else {
                    throw RunTimeTableError("\(path): item \(row) has no '\(column.name)', which types: declares")
                }
                let text = JSONExtents.text(of: bytes, in: field.value)
                guard let value = column.type.value(text) else {
                    throw RunTimeTableError("\(path): item \(row)'s '\(column.name)' (\(text)) is not a \(column.type.rawValue)")
                }
                return value
            }
        }
    }
}

/// Why a stage's run-time table could not be expanded: the stage fails, naming the file.
public struct RunTimeTableError: Error, Sendable, CustomStringConvertible {
    /// The message, naming the file.
    public let description: String
    package init(_ description: String) { self.description = description }
}
