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
public enum CompactedResults {
    /// Writes the compacted lines of `directory/results.jsonl` to `output` in `format`, only
    /// those whose final attempt has `status` when one is given; with `formulaSafe`, csv and
    /// tsv cells that a spreadsheet would run as a formula get a leading `'`.
    public static func write(
        directory: String, format: ResultsFormat = .jsonl, status: TaskStatus? = nil, formulaSafe: Bool = false,
        to output: FileHandle
    ) throws(RunFileError) {
        let path = directory + "/results.jsonl"
        let chosen = try FinalAttempts.read(path: path).places
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            throw RunFileError(path: path, reason: "cannot be read again")
        }
        let places = chosen.keys.sorted().compactMap { index -> Range<Int>? in
            let place = chosen[index]!
            guard status == nil || place.status == status else { return nil }
            return place.range
        }
        var buffer = Data()
        func flush(_ force: Bool) {
            guard force || buffer.count > 1 << 20 else { return }
            output.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            switch format {
            case .jsonl:
                for place in places {
                    buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[place]))
                    buffer.append(UInt8(ascii: "\n"))
                    flush(false)
                }
            case .csv, .tsv:
                let table = ResultsTable(lines: places.map { UnsafeBufferPointer(rebasing: bytes[$0]) }, formulaSafe: formulaSafe)
                buffer.append(contentsOf: table.row(table.header, format: format))
                for line in places {
                    buffer.append(contentsOf: table.row(table.cells(of: UnsafeBufferPointer(rebasing: bytes[line])), format: format))
                    flush(false)
                }
            }
        }
        flush(true)
    }
}
