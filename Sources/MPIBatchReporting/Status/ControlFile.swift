import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SystemPackage

/// Rank 0's side of `control.jsonl`: the file exists from the run's start (a reader on a
/// login node must see it at once), and each `poll` opens it afresh (NFS shows another
/// client's appends to a new open) and reads the whole lines added since the last poll.
/// A line that is not a request is skipped with a problem named `control.jsonl:LINE: why`.
/// Used from one thread only.
package final class ControlFile {
    /// The file.
    let path: String
    /// Bytes read so far, and the lines among them.
    private var offset: Int
    private var lineNumber = 0

    /// The longest line read as one request; a longer one is skipped.
    static let longestLine = 64 * 1024

    /// Creates `directory/control.jsonl` if missing (never through a link); requests already
    /// in it (an earlier part of a resumed run) are not read again.
    package init(directory: String) throws(OutputError) {
        path = directory + "/control.jsonl"
        let file = try OutputFile(appendingTo: path)
        offset = try file.length()
        lineNumber = FileManager.default.contents(atPath: path).map { $0.count { $0 == UInt8(ascii: "\n") } } ?? 0
    }

    /// The start of a bad line, quoted, control characters shown visibly.
    private static func excerpt(_ line: String) -> String {
        "'" + TerminalText.visible(String(line.prefix(60))) + (line.count > 60 ? "...'" : "'")
    }

    /// The requests written since the last poll, and the lines that were not requests.
    package func poll() -> (requests: [ControlRequest], problems: [String]) {
        guard let descriptor = try? FileDescriptor.open(path, .readOnly, options: [.closeOnExec, .noFollow]) else {
            return ([], ["\(path): cannot be opened; requests are not read until it can"])
        }
        defer { try? descriptor.close() }
        var problems: [String] = []
        guard let size = try? descriptor.seek(offset: 0, from: .end) else { return ([], []) }
        if Int(size) < offset {
            problems.append("\(path): shorter than before (edited by hand?); read again from its start")
            offset = 0
            lineNumber = 0
        }
        let wanted = min(Int(size) - offset, 1 << 20)
        guard wanted > 0 else { return ([], problems) }
        var bytes = [UInt8](repeating: 0, count: wanted)
        let count = (try? bytes.withUnsafeMutableBytes { try descriptor.read(fromAbsoluteOffset: Int64(offset), into: $0) }) ?? 0
        var requests: [ControlRequest] = []
        var start = 0
        for position in 0..<count where bytes[position] == UInt8(ascii: "\n") {
            lineNumber += 1
            let line = String(decoding: bytes[start..<position], as: UTF8.self)
            start = position + 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            do {
                requests.append(try ControlRequest(parsing: Substring(line)))
            } catch {
                problems.append("\(path):\(lineNumber): ignored, not a request: \(error): \(Self.excerpt(line))")
            }
        }
        if start == 0, count >= Self.longestLine {
            lineNumber += 1
            problems.append("\(path):\(lineNumber): ignored, a line longer than \(Self.longestLine) bytes")
            start = count
        }
        offset += start  // a line not yet ended waits for the next poll
        return (requests, problems)
    }
}
