import Foundation

/// The final view of a run's journal: each index once, its last attempt (its
/// `ok` line if it has one), in index order. What `mpibatch results DIR` prints.
///
/// Only each index's byte range in the journal is kept, not the lines, so
/// memory grows by a few words per task, not by the journal's size.
public enum CompactedResults {
    /// Writes the compacted lines of `directory/results.jsonl` to `output`.
    public static func write(directory: String, to output: FileHandle) throws(ResumeError) {
        let path = directory + "/results.jsonl"
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            throw ResumeError(path: path, reason: "no such file (is this a run's output directory?)")
        }
        var chosen: [Int: (range: Range<Int>, ok: Bool)] = [:]
        let badLine: Int? = data.withUnsafeBytes { bytes in
            var lineStart = 0
            var lineNumber = 0
            while lineStart < bytes.count {
                guard let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                lineNumber += 1
                let line = lineStart..<newline
                guard let (index, ok) = indexAndStatus(of: UnsafeRawBufferPointer(rebasing: bytes[line])) else {
                    return lineNumber
                }
                if chosen[index]?.ok != true { chosen[index] = (line, ok) }
                lineStart = newline + 1
            }
            return nil
        }
        if let badLine { throw ResumeError(path: path, reason: "line \(badLine) is not a journal line") }
        var buffer = Data()
        for index in chosen.keys.sorted() {
            buffer.append(data[chosen[index]!.range])
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count > 1 << 20 {
                output.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        output.write(buffer)
    }

    /// The index and whether the status is ok, read from a line's fixed start:
    /// `{"index":N,` … `"status":"ok"` (the journal writes both before any free text).
    private static func indexAndStatus(of line: UnsafeRawBufferPointer) -> (Int, Bool)? {
        let prefix = Array(#"{"index":"#.utf8)
        guard line.count > prefix.count, line.prefix(prefix.count).elementsEqual(prefix) else { return nil }
        var position = prefix.count
        var index = 0
        while position < line.count, let digit = digitValue(line[position]) {
            index = index * 10 + digit
            position += 1
        }
        guard position > prefix.count else { return nil }
        let marker = Array(#","status":""#.utf8)
        guard let found = firstRange(of: marker, in: line, from: position) else { return nil }
        let statusStart = found + marker.count
        return (index, line[statusStart...].starts(with: Array(#"ok""#.utf8)))
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func firstRange(of marker: [UInt8], in line: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var position = start
        while position + marker.count <= line.count {
            if line[position..<(position + marker.count)].elementsEqual(marker) { return position }
            position += 1
        }
        return nil
    }
}
