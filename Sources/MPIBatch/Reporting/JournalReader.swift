import Foundation

/// What an earlier run's `results.jsonl` says: which tasks already succeeded
/// (with their values, for reducers), and how many attempts failed ones used.
/// A torn last line (the run was killed mid-write) is cut off, not trusted.
struct JournalState {
    /// Indices with an `ok` line.
    var succeeded: IndexRanges { IndexRanges(succeededIndices) }
    private var succeededIndices = Set<Int>()
    /// `failed` and `timeout` attempts per index not yet succeeded (`interrupted` ones do not count).
    private(set) var failedAttempts: [Int: Int] = [:]
    /// The values of the ok lines that have one, in journal order (for reducers such as
    /// Monte Carlo's, and for stage values).
    private(set) var values: [(index: Int, value: TaskValue)] = []
    /// The latest `start + seconds` in the journal: where a resumed run's times begin.
    private(set) var lastEnd = 0.0
    /// Bytes of a torn last line that were cut off.
    private(set) var tornBytes = 0

    /// Reads `path`, cutting a torn last line off the file so appends continue on a clean line.
    /// Keeps values only when `keepValues`.
    init(path: String, keepValues: Bool) throws(ResumeError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ResumeError(path: path, reason: "no journal to resume from")
        }
        var lineStart = data.startIndex
        var lineNumber = 0
        while lineStart < data.endIndex {
            guard let newline = data[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            lineNumber += 1
            let line = data[lineStart..<newline]
            guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
                let index = object["index"] as? Int, let status = object["status"] as? String
            else {
                throw ResumeError(path: path, reason: "line \(lineNumber) is not a journal line")
            }
            record(index: index, status: status, value: keepValues ? object["value"] : nil, keepValues: keepValues)
            if let start = object["start"] as? Double, let seconds = object["seconds"] as? Double {
                lastEnd = max(lastEnd, start + seconds)
            }
            lineStart = data.index(after: newline)
        }
        tornBytes = data.endIndex - lineStart
        if tornBytes > 0, truncate(path, off_t(lineStart - data.startIndex)) != 0 {
            throw ResumeError(path: path, reason: "cannot cut off its torn last line: \(String(cString: strerror(errno)))")
        }
    }

    private mutating func record(index: Int, status: String, value: Any?, keepValues: Bool) {
        switch status {
        case "ok":
            succeededIndices.insert(index)
            failedAttempts[index] = nil
            if keepValues, let value, !(value is NSNull) { values.append((index, TaskValue(journalValue: value))) }
        case "failed", "timeout":
            if !succeededIndices.contains(index) { failedAttempts[index, default: 0] += 1 }
        default:
            break  // interrupted: consumed nothing
        }
    }
}

extension TaskValue {
    /// The value as `JSONSerialization` read it back from a journal line.
    init(journalValue: Any?) {
        switch journalValue {
        case let number as NSNumber:
            self = .number(number.doubleValue)
        case let numbers as [NSNumber]:
            self = .numbers(numbers.map(\.doubleValue))
        case let text as String:
            self = .text(text)
        case nil, is NSNull:
            self = .none
        case let other?:
            let data = (try? JSONSerialization.data(withJSONObject: other, options: [.fragmentsAllowed])) ?? Data()
            self = .json(String(decoding: data, as: UTF8.self))
        }
    }
}

/// A run that cannot be resumed: no journal, a different job, an unreadable line.
public struct ResumeError: Error, Sendable, CustomStringConvertible {
    /// The file at fault.
    public let path: String
    /// What is wrong.
    public let reason: String
    /// `runs/x/results.jsonl: line 7 is not a journal line`.
    public var description: String { "\(path): \(reason)" }
}
