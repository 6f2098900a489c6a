import Foundation

/// Journal lines as a table: the fixed fields (`exit_code`, `signal`, `max_rss_bytes` and
/// `started_at` empty where the line has `null`, leaves them out (a kernel's) or predates them), then one `params.NAME` column per parameter,
/// then the value (one `value` column, or one `value.NAME` column per member of an object
/// value), then the error. Strings are their text, numbers their exact journal text, `null`
/// an empty cell, and nested objects and arrays their JSON text.
struct ResultsTable {
    /// The column names, in order.
    private(set) var header: [String] = []
    private var parameters: [String] = []
    private var values: [String] = []
    private var seen = Set<String>()
    private var column: [String: Int] = [:]
    /// Whether cells that would start a spreadsheet formula get a leading `'` (`--csv-safe`).
    private let formulaSafe: Bool
    private static let fixed = [
        "index", "status", "attempt", "rank", "slot", "seconds", "start", "started_at", "exit_code", "signal", "cpu_seconds",
        "max_rss_bytes",
    ]

    /// A table of no columns beyond the fixed ones until lines are `include`d; with
    /// `formulaSafe`, rows guard their cells against spreadsheet formulas.
    init(formulaSafe: Bool = false) {
        self.formulaSafe = formulaSafe
        numberColumns()
    }

    /// Adds the columns `line` needs that the table lacks, after the others of their kind:
    /// the columns of all lines included, in order of first appearance.
    mutating func include(_ line: UnsafeBufferPointer<UInt8>) {
        guard let entry = try? JournalLineScanner.scan(line) else { return }
        var added = false
        for (prefix, range) in [("params.", entry.params), ("value", entry.value)] {
            guard let range else { continue }
            let names = Self.columns(prefix: prefix, of: UnsafeBufferPointer(rebasing: line[range]))
            for name in names where seen.insert(name).inserted {
                if prefix == "params." { parameters.append(name) } else { values.append(name) }
                added = true
            }
        }
        if added { numberColumns() }
    }

    /// A hash of the columns `line` needs beyond the fixed ones: a line whose key is one an
    /// included line had adds no column, and need not be read again to build the header.
    static func columnsKey(of line: JournalFileReader.Line) -> Int {
        var hasher = Hasher()
        for (prefix, range) in [("params.", line.entry.params), ("value", line.entry.value)] {
            guard let range else { continue }
            for name in columns(prefix: prefix, of: UnsafeBufferPointer(rebasing: line.bytes[range])) { hasher.combine(name) }
        }
        return hasher.finalize()
    }

    private mutating func numberColumns() {
        header = Self.fixed + parameters + values + ["error"]
        column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
    }

    /// `line`'s cells, one per column.
    func cells(of line: UnsafeBufferPointer<UInt8>) -> [String] {
        var cells = [String](repeating: "", count: header.count)
        guard let entry = try? JournalLineScanner.scan(line) else { return cells }
        let counters: [String] = [
            String(entry.index), entry.status.description, String(entry.attempt), String(entry.rank), String(entry.slot),
        ]
        let times: [String] = [String(entry.seconds), String(entry.start), entry.startedAt.map { String($0) } ?? ""]
        let process: [String] = [
            entry.exitCode.map(String.init) ?? "", entry.signal.map(String.init) ?? "",
            entry.cpuSeconds.map { String($0) } ?? "", entry.maxRSSBytes.map(String.init) ?? "",
        ]
        let fixedCells = counters + times + process
        for (name, text) in zip(Self.fixed, fixedCells) { cells[column[name]!] = text }
        for (prefix, range) in [("params.", entry.params), ("value", entry.value), ("error", entry.error)] {
            guard let range else { continue }
            let raw = UnsafeBufferPointer(rebasing: line[range])
            if prefix == "error" {
                cells[column["error"]!] = Self.cell(raw)
                continue
            }
            for (name, cellRange) in Self.cellRanges(prefix: prefix, of: raw) {
                if let index = column[name] { cells[index] = Self.cell(UnsafeBufferPointer(rebasing: raw[cellRange])) }
            }
        }
        return cells
    }

    /// One row in `format`, newline included.
    func row(_ cells: [String], format: ResultsFormat) -> [UInt8] {
        let separator = format == .tsv ? "\t" : ","
        let guarded = formulaSafe ? cells.map(Self.formulaGuarded) : cells
        return Array((guarded.map { format == .tsv ? Self.tsvEscaped($0) : Self.csvQuoted($0) }.joined(separator: separator) + "\n").utf8)
    }

    /// `text` with a `'` before it when a spreadsheet would take it as a formula: it starts
    /// with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a number (`-2.5` stays).
    static func formulaGuarded(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(text) == nil
        else { return text }
        return "'" + text
    }

    private static func columns(prefix: String, of raw: UnsafeBufferPointer<UInt8>) -> [String] {
        cellRanges(prefix: prefix, of: raw).map(\.name)
    }

    /// `params.NAME` for each parameter; `value.NAME` for each member of an object value, or `value`.
    private static func cellRanges(prefix: String, of raw: UnsafeBufferPointer<UInt8>) -> [(name: String, range: Range<Int>)] {
        if prefix == "params." || raw.first == UInt8(ascii: "{") {
            let namePrefix = prefix == "params." ? prefix : "value."
            return (JournalLineScanner.members(of: raw) ?? []).map { (namePrefix + $0.key, $0.value) }
        }
        return raw.elementsEqual("null".utf8) ? [] : [("value", 0..<raw.count)]
    }

    /// A JSON value as a cell: a string's text, `null` empty, anything else its JSON text.
    private static func cell(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        if raw.first == UInt8(ascii: "\"") { return JournalString.decode(raw) ?? String(decoding: raw, as: UTF8.self) }
        return raw.elementsEqual("null".utf8) ? "" : String(decoding: raw, as: UTF8.self)
    }

    private static func csvQuoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func tsvEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
}
