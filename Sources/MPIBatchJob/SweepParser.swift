import Foundation
import Yams

/// Reads the `sweep:` section into an `IndexSpace` (see there for the axis order).
package struct SweepParser {
    let reader: NodeReader
    /// The job file's directory, against which `table:` is resolved.
    let jobDirectory: String
    /// Whether the sweep is a stage's: its journal lines' `params` begin with `"stage": NAME`,
    /// so no parameter may be called `stage`.
    var inStage = false

    private typealias Axis = [(name: String, column: ParameterColumn)]
    private static let reserved: Set = ["index", "seed", "replicate"]
    /// The key a stage task's journal `params` name its stage under.
    package static let stageKey = "stage"
    /// Why a stage's parameter may not be called `stage`.
    static let stageKeyReserved =
        "parameter name 'stage' is reserved in a stage (its tasks' journal params name the stage under it): rename the column"

    /// The index space, plus the text of any CSV table (it belongs in the job's content hash).
    /// Problems are appended to `errors`; the result is nil when there were any.
    func parse(_ node: Node, errors: inout [JobFileError]) -> (space: IndexSpace, tableText: String)? {
        let errorCount = errors.count
        guard let entries = reader.mapping(node, "sweep", allowed: ["grid", "zip", "table", "types", "repeat"], errors: &errors) else {
            return nil
        }
        guard !entries.isEmpty || errors.count > errorCount else {
            errors.append(reader.error(at: node, "sweep is empty: give grid, zip, table or repeat"))
            return nil
        }
        var axes: [Axis] = []
        var tableText = ""
        var seen: [String: Node] = [:]
        let typesEntry = entries.first { $0.key == "types" }
        let types = typesEntry.flatMap { entry in errors.collecting { () throws(JobFileError) in try columnTypes(entry.value) } } ?? [:]
        if let typesEntry, !entries.contains(where: { $0.key == "table" }) {
            errors.append(reader.error(at: typesEntry.keyNode, "types: declares the columns of a table:, and this sweep has none"))
        }
        for entry in entries where entry.key != "types" {
            do throws(JobFileError) {
                switch entry.key {
                case "grid": axes += try grid(entry.value, seen: &seen, errors: &errors)
                case "zip": axes.append(try zip(entry.value, seen: &seen))
                case "table":
                    let (axis, text) = try table(entry.value, types: types, seen: &seen)
                    for (name, declared) in types where !axis.contains(where: { $0.name == name }) {
                        errors.append(
                            reader.error(
                                at: declared.node, "types: names column '\(name)', which the table does not have"
                                    + DidYouMean.suffix(for: name, among: axis.map(\.name))))
                    }
                    axes.append(axis)
                    tableText = text
                default:
                    let count = try reader.integer(entry.value, "repeat")
                    guard count >= 1 else { throw reader.error(at: entry.value, "repeat must be at least 1, not \(count)") }
                    axes.append([("replicate", .integers(start: 0, step: 1, count: count))])
                }
            } catch {
                errors.append(error)
            }
        }
        guard errors.count == errorCount else { return nil }
        guard let space = IndexSpace(axes: axes.sorted { rank($0) < rank($1) }) else {
            errors.append(reader.error(at: node, "the sweep has more tasks than \(Int.max)"))
            return nil
        }
        return (space, tableText)
    }

    /// Keeps `repeat` last whatever the key order in the file.
    private func rank(_ axis: Axis) -> Int { axis.count == 1 && axis[0].name == "replicate" ? 1 : 0 }

    private func claim(_ name: String, at node: Node, seen: inout [String: Node]) throws(JobFileError) {
        if Self.reserved.contains(name) {
            throw reader.error(at: node, "parameter name '\(name)' is reserved ({index}, {seed}, {replicate} always exist)")
        }
        if inStage, name == Self.stageKey {
            throw reader.error(at: node, Self.stageKeyReserved)
        }
        if let first = seen[name] {
            throw reader.error(at: node, "parameter '\(name)' is defined twice (first at line \(first.mark?.line ?? 0))")
        }
        seen[name] = node
    }

    /// The grid's axes; a bad parameter is reported and the others still checked.
    private func grid(_ node: Node, seen: inout [String: Node], errors: inout [JobFileError]) throws(JobFileError) -> [Axis] {
        let entries = try reader.mapping(node, "grid")
        guard !entries.isEmpty else { throw reader.error(at: node, "grid is empty: give at least one parameter") }
        var axes: [Axis] = []
        for entry in entries {
            let axis = errors.collecting { () throws(JobFileError) -> Axis? in
                try claim(entry.key, at: entry.keyNode, seen: &seen)
                return [(entry.key, try column(entry.value, name: entry.key))]
            }
            if let axis { axes.append(axis) }
        }
        return axes
    }

    private func zip(_ node: Node, seen: inout [String: Node]) throws(JobFileError) -> Axis {
        let entries = try reader.mapping(node, "zip")
        guard let first = entries.first else { throw reader.error(at: node, "zip is empty: give lists of equal length") }
        var axis: Axis = []
        for entry in entries {
            try claim(entry.key, at: entry.keyNode, seen: &seen)
            let values = try list(entry.value, name: entry.key)
            let expected = axis.first?.column.count ?? values.count
            guard values.count == expected else {
                throw reader.error(
                    at: entry.value,
                    "zip list '\(entry.key)' has \(values.count) values, '\(first.key)' has \(expected)")
            }
            axis.append((entry.key, .list(values)))
        }
        return axis
    }

    /// `types: {col: integer|real|number|text}`, each with the node that declared it.
    private func columnTypes(_ node: Node) throws(JobFileError) -> [String: (type: CSVColumnType, node: Node)] {
        var types: [String: (type: CSVColumnType, node: Node)] = [:]
        let names = CSVColumnType.allCases.map(\.rawValue)
        for entry in try reader.mapping(node, "types") {
            let text = try reader.string(entry.value, "the type of column '\(entry.key)'")
            guard let type = CSVColumnType(rawValue: text) else {
                throw reader.error(
                    at: entry.value,
                    "column type '\(text)' is not one of \(names.joined(separator: ", "))" + DidYouMean.suffix(for: text, among: names))
            }
            types[entry.key] = (type, entry.keyNode)
        }
        return types
    }

    private func table(
        _ node: Node, types: [String: (type: CSVColumnType, node: Node)], seen: inout [String: Node]
    ) throws(JobFileError) -> (Axis, String) {
        let name = try reader.string(node, "table")
        let path = name.hasPrefix("/") ? name : (jobDirectory as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw reader.error(at: node, "cannot read table '\(path)'")
        }
        let text = try SourceText.decode([UInt8](data), path: path)
        let table = try CSVTable(parsing: text, path: path, types: types.mapValues(\.type))
        var axis: Axis = []
        for (column, header) in table.names.enumerated() {
            try claim(header, at: node, seen: &seen)
            axis.append((header, .list(table.columns[column])))
        }
        return (axis, text)
    }

    private func list(_ node: Node, name: String) throws(JobFileError) -> [ParameterValue] {
        var values: [ParameterValue] = []
        for item in try reader.sequence(node, "'\(name)'") { values.append(try reader.parameterValue(item, "a value of '\(name)'")) }
        guard !values.isEmpty else { throw reader.error(at: node, "'\(name)' has no values") }
        return values
    }

    /// A grid value: a list, one value, or `{range|linspace|logspace: [...]}`.
    private func column(_ node: Node, name: String) throws(JobFileError) -> ParameterColumn {
        if node.sequence != nil { return .list(try list(node, name: name)) }
        if node.scalar != nil { return .list([try reader.parameterValue(node, "'\(name)'")]) }
        let entries = try reader.mapping(node, "'\(name)'", allowed: ["range", "linspace", "logspace"])
        guard entries.count == 1, let entry = entries.first else {
            throw reader.error(at: node, "'\(name)' must have exactly one of range, linspace, logspace")
        }
        let bounds = try reader.sequence(entry.value, "\(entry.key) of '\(name)'")
        guard bounds.count == 3 else {
            throw reader.error(at: entry.value, "\(entry.key) of '\(name)' needs 3 numbers, got \(bounds.count)")
        }
        if entry.key == "range" { return try range(bounds, at: entry.value, name: name) }
        let start = try reader.number(bounds[0], "\(entry.key) start")
        let stop = try reader.number(bounds[1], "\(entry.key) stop")
        let count = try reader.integer(bounds[2], "\(entry.key) count")
        guard count >= 1 else { throw reader.error(at: bounds[2], "\(entry.key) of '\(name)' needs n ≥ 1, not \(count)") }
        // The points are start + (stop - start) · i / (n - 1): every step must stay finite.
        guard ((stop - start) * Double(max(count - 1, 1))).isFinite else {
            throw reader.error(at: entry.value, "\(entry.key) of '\(name)' overflows: from \(start) to \(stop) is beyond a double's range")
        }
        if entry.key == "logspace" {
            for (bound, node) in [(start, bounds[0]), (stop, bounds[1])] {
                let point = Foundation.pow(10, bound)
                guard point.isFinite, point > 0 else {
                    throw reader.error(at: node, "logspace of '\(name)': 10^\(bound) is \(point > 0 ? "beyond" : "below") a double's range (exponents from -307 to 308)")
                }
            }
        }
        return entry.key == "linspace"
            ? .linspace(start: start, stop: stop, count: count) : .logspace(start: start, stop: stop, count: count)
    }

    /// `[start, stop, step]`, stop exclusive, step > 0; integers stay integers.
    private func range(_ bounds: [Node], at node: Node, name: String) throws(JobFileError) -> ParameterColumn {
        let start = try reader.number(bounds[0], "range start")
        let stop = try reader.number(bounds[1], "range stop")
        let step = try reader.number(bounds[2], "range step")
        guard step > 0 else { throw reader.error(at: bounds[2], "range step of '\(name)' must be positive, not \(bounds[2].scalar?.string ?? "")") }
        guard stop > start else { throw reader.error(at: node, "range of '\(name)' is empty: stop \(stop) is not above start \(start)") }
        let exact = (stop - start) / step
        guard exact < 0x1p62 else { throw reader.error(at: node, "range of '\(name)' has too many values") }
        if let integers = try? bounds.map({ (node) throws(JobFileError) in try reader.integer(node, "") }) {
            let count = (integers[1] - integers[0] + integers[2] - 1) / integers[2]
            return .integers(start: integers[0], step: integers[2], count: count)
        }
        let count = Int((exact * (1 - 1e-12)).rounded(.up))
        return .reals(start: start, step: step, count: max(count, 1))
    }
}
