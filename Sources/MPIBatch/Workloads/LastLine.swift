import Foundation

/// `result: stdout-last-line`: the last non-empty line of a task's stdout log,
/// read backwards from the end of the file in blocks, so a task that printed a
/// gigabyte costs the rank a few KiB of memory, not a gigabyte.
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
            while let last = line.last, last == 0x0A || last == 0x0D { line.removeLast() }
            if let breakAt = line.lastIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
                return .success(String(decoding: line[(breakAt + 1)...], as: UTF8.self))
            }
            guard line.count <= maximumBytes else { return .failure(.tooLong) }
        }
        return .success(String(decoding: line, as: UTF8.self))
    }
}
