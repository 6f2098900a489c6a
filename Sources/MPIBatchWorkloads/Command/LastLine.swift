import Foundation

/// `result: stdout-last-line`: the last non-empty line of a task's stdout, from the
/// captured bytes or, with `logs: per-task`, read backwards from the end of its file in
/// blocks, so a task that printed a gigabyte costs the rank a few KiB of memory, not a gigabyte.
enum LastLine {
    /// The longest last line kept; a longer one is an error rather than a huge journal value.
    static let maximumBytes = 1 << 20

    /// Why the last line could not be read.
    enum Problem: Error, Equatable {
        /// The file cannot be opened or read.
        case unreadable
        /// The last line is longer than `maximumBytes`.
        case tooLong
    }

    /// The last non-empty line of the file at `path` (without its line break), or "" when there is none.
    static func read(path: String, blockSize: Int = 1 << 16) -> Result<String, Problem> {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(.unreadable) }
        defer { try? handle.close() }
        guard var position = try? handle.seekToEnd() else { return .failure(.unreadable) }
        var line: [UInt8] = []  // the bytes after the last line break seen, in file order
        while position > 0 {
            let count = min(UInt64(blockSize), position)
            position -= count
            guard (try? handle.seek(toOffset: position)) != nil, let data = try? handle.read(upToCount: Int(count)) else {
                return .failure(.unreadable)
            }
            line.insert(contentsOf: data, at: 0)
            if let found = afterLastBreak(&line) { return .success(found) }
            guard line.count <= maximumBytes else { return .failure(.tooLong) }
        }
        return .success(String(decoding: line, as: UTF8.self))
    }

    /// The last non-empty line of `bytes`, the end of a stream: all of it when `isWhole`,
    /// else at least its last `maximumBytes` + 2 bytes.
    static func find(in bytes: [UInt8], isWhole: Bool) -> Result<String, Problem> {
        var line = bytes
        if let found = afterLastBreak(&line) { return .success(found) }
        guard isWhole, line.count <= maximumBytes else { return .failure(.tooLong) }
        return .success(String(decoding: line, as: UTF8.self))
    }

    /// Drops the line breaks that end `line`; then the text after its last line break, or nil when it has none.
    private static func afterLastBreak(_ line: inout [UInt8]) -> String? {
        while let last = line.last, last == 0x0A || last == 0x0D { line.removeLast() }
        guard let breakAt = line.lastIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return nil }
        return String(decoding: line[(breakAt + 1)...], as: UTF8.self)
    }
}
