import Foundation
import MPIBatchCore

/// How `mpibatch results` prints: journal lines, or a table for spreadsheets and pandas.
public enum ResultsFormat: String, Sendable, CaseIterable {
    /// The journal lines themselves.
    case jsonl
    /// Comma-separated, RFC 4180 quoting.
    case csv
    /// Tab-separated; tabs, newlines and backslashes in a cell escaped as `\t`, `\n`, `\\`.
    case tsv
}

/// The final view of a run's journal: each index once, its last attempt (its
/// `ok` line if it has one, see `FinalAttempts`), in index order. What `mpibatch results DIR` prints.
/// Memory stays bounded however long the journal (`FinalAttempts` sorts it externally); a
/// csv or tsv table merges twice, first for its columns (reading one line of each set of keys).
public enum CompactedResults {
    /// Writes the compacted lines of the journal in `directory` (its shards merged) to `output` in `format`, only
    /// those whose final attempt has `status` when one is given; with `formulaSafe`, csv and
    /// tsv cells that a spreadsheet would run as a formula get a leading `'`. A reader that
    /// goes away (`| head`) ends the writing quietly.
    public static func write(
        directory: String, format: ResultsFormat = .jsonl, status: TaskStatus? = nil, formulaSafe: Bool = false,
        to output: FileHandle
    ) throws(RunFileError) {
        // A table's header needs the columns of every line printed: each line's are keyed as
        // the journal is sorted, so that the header's pass reads one line of each key only.
        let attempts = try FinalAttempts(
            journal: JournalShards(directory: directory), tag: format == .jsonl ? nil : { ResultsTable.columnsKey(of: $0) })
        let wanted: (FinalAttempts.Place) -> Bool = { status == nil || $0.status == status }
        var sink = OutputSink(output)
        do throws(RunFileError) {
            switch format {
            case .jsonl:
                try FinalLines.forEach(attempts, where: wanted) { (_, line) throws(RunFileError) in
                    sink.append(line)
                    sink.append(UInt8(ascii: "\n"))
                    try sink.flush(force: false)
                }
            case .csv, .tsv:
                var table = ResultsTable(formulaSafe: formulaSafe)
                var keys = Set<Int>()
                try FinalLines.forEach(attempts, where: { wanted($0) && keys.insert($0.tag).inserted }) { (_, line) throws(RunFileError) in
                    table.include(line)
                }
                sink.append(table.row(table.header, format: format))
                try FinalLines.forEach(attempts, where: wanted) { (_, line) throws(RunFileError) in
                    sink.append(table.row(table.cells(of: line), format: format))
                    try sink.flush(force: false)
                }
            }
            try sink.flush(force: true)
        } catch {
            if sink.closed { return }  // the reader went away: what it wanted was written
            throw error
        }
    }
}
