import Foundation

/// A `table:` CSV file: a header row of parameter names, then one task per row.
/// Fields may be quoted (`"a, b"`, `""` for a quote). A field keeps its text, spaces
/// included, unless its column is declared numeric (`types:`, `CSVColumnType`): then the
/// spaces around the number are not part of it. Header names are names: spaces around them
/// are dropped.
struct CSVTable {
    /// The header's names.
    let names: [String]
    /// Column by column: `columns[c][r]` is row r's value of `names[c]`.
    let columns: [[ParameterValue]]
    /// Whether the text has more than the `maxRows` rows read (the rest were not read).
    let hasMoreRows: Bool

    /// Parses `text` read from `path`, typing the columns `types` names; a ragged or empty
    /// table, or a field that does not read as its column's type, is an error in that file.
    /// At most `maxRows` rows are read (`hasMoreRows` says whether there are more).
    init(parsing text: String, path: String, types: [String: CSVColumnType] = [:], maxRows: Int = .max) throws(JobFileError) {
        let wanted = maxRows.addingReportingOverflow(2)  // the header, the rows, one more
        var rows = Self.records(text, limit: wanted.overflow ? .max : wanted.partialValue)
        hasMoreRows = !wanted.overflow && rows.count == wanted.partialValue
        if hasMoreRows { rows.removeLast() }
        guard let header = rows.first else {
            throw JobFileError(path: path, line: 1, column: 1, message: "CSV table has no header row")
        }
        guard rows.count > 1 else {
            throw JobFileError(path: path, line: header.line, column: 1, message: "CSV table has a header but no rows")
        }
        let headerNames = header.fields.map { $0.text.trimmingCharacters(in: .whitespaces) }
        let columnTypes = headerNames.map { types[$0] ?? .text }
        var columns = [[ParameterValue]](repeating: [], count: header.fields.count)
        for row in rows.dropFirst() {
            guard row.fields.count == header.fields.count else {
                throw JobFileError(
                    path: path, line: row.line, column: 1,
                    message: "CSV row has \(row.fields.count) fields, the header has \(header.fields.count)")
            }
            for (column, field) in row.fields.enumerated() {
                let text = columnTypes[column] == .text ? field.text : field.text.trimmingCharacters(in: .whitespaces)
                guard let value = columnTypes[column].value(text) else {
                    throw JobFileError(
                        path: path, line: field.line, column: field.column,
                        message: "'\(text)' in column '\(headerNames[column])' is not \(columnTypes[column] == .integer ? "an" : "a") "
                            + "\(columnTypes[column].rawValue), as types: declares")
                }
                columns[column].append(value)
            }
        }
        self.names = headerNames
        self.columns = columns
    }

    private struct Field {
        var text = ""
        var quoted = false
        /// 1-based line and column where the field starts.
        var line = 1
        var column = 1
    }

    /// The first `limit` non-blank records of `text` with their 1-based starting lines.
    private static func records(_ text: String, limit: Int) -> [(line: Int, fields: [Field])] {
        var records: [(line: Int, fields: [Field])] = []
        var fields: [Field] = []
        var field = Field()
        var line = 1, recordLine = 1, column = 1
        var inQuotes = false
        var scalars = text.unicodeScalars[...]
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].text.isEmpty && !fields[0].quoted) { records.append((recordLine, fields)) }
            fields = []
        }
        func startField() { field = Field(line: line, column: column) }
        startField()
        while records.count < limit, let scalar = scalars.popFirst() {
            column += 1
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.text.unicodeScalars.append("\"") } else { inQuotes = false }
                } else {
                    if scalar == "\n" {
                        line += 1
                        column = 1
                    }
                    field.text.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.text.isEmpty: inQuotes = true; field.quoted = true
            case ",":
                fields.append(field)
                startField()
            case "\r": continue
            case "\n":
                endRecord()
                line += 1
                column = 1
                recordLine = line
                startField()
            default: field.text.unicodeScalars.append(scalar)
            }
        }
        if records.count < limit { endRecord() }
        return records
    }
}
