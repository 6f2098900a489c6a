import Foundation

/// The final view of a run's journal: each index once, its last attempt (its
/// `ok` line if it has one), in index order. What `mpibatch results DIR` prints.
///
/// Only each index's place in the journal is kept, not the lines, so memory grows
/// by a few words per task, not by the journal's size.
public enum CompactedResults {
    /// Writes the compacted lines of `directory/results.jsonl` to `output`.
    public static func write(directory: String, to output: FileHandle) throws(RunFileError) {
        let path = directory + "/results.jsonl"
        var chosen: [Int: (offset: Int, length: Int, ok: Bool)] = [:]
        _ = try JournalFileReader.read(path: path) { line in
            let index = line.entry.index
            if chosen[index]?.ok != true {
                chosen[index] = (line.offset, line.bytes.count, line.entry.status == .ok)
            }
        }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            throw RunFileError(path: path, reason: "cannot be read again")
        }
        var buffer = Data()
        for index in chosen.keys.sorted() {
            let place = chosen[index]!
            buffer.append(data[place.offset..<(place.offset + place.length)])
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count > 1 << 20 {
                output.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        output.write(buffer)
    }
}
