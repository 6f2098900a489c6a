import Foundation

/// A job file, task file or CSV table as text: UTF-8 without a byte-order mark.
/// Invalid UTF-8 and NUL bytes are refused at their line and column (bytes are
/// never silently replaced: a command must run as written or not at all).
enum SourceText {
    /// The text of `bytes`, read from `path`, without a leading UTF-8 byte-order mark.
    static func decode(_ bytes: [UInt8], path: String) throws(JobFileError) -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self), !body.contains(0) { return text }
        let (offset, problem) = firstProblem(in: body)
        let prefix = body[body.startIndex..<offset]
        let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? body.startIndex
        let line = prefix.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let column = String(decoding: body[lineStart..<offset], as: UTF8.self).count + 1
        throw JobFileError(path: path, line: line, column: column, message: problem)
    }

    /// Reads and decodes the file at `path`.
    static func read(path: String, what: String) throws(JobFileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JobFileError(path: path, line: 1, column: 1, message: "cannot read \(what)")
        }
        return try decode([UInt8](data), path: path)
    }

    /// Where the first NUL byte or invalid UTF-8 sequence starts, and what it is.
    private static func firstProblem(in bytes: ArraySlice<UInt8>) -> (Int, String) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lead = bytes[index]
            if lead == 0 { return (index, "a NUL byte (a binary file?)") }
            let length = lead < 0x80 ? 1 : lead >= 0xC2 && lead < 0xE0 ? 2 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xF0 && lead < 0xF5 ? 4 : 0
            let end = index + length
            guard length > 0, end <= bytes.endIndex, String(validating: bytes[index..<end], as: UTF8.self) != nil else {
                return (index, String(format: "invalid UTF-8 (byte 0x%02X); save the file as UTF-8", lead))
            }
            index = end
        }
        return (bytes.endIndex, "invalid UTF-8")
    }
}
