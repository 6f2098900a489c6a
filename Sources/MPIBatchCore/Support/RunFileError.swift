/// A file of a run's output directory that cannot be read, trusted or written: a missing
/// or unreadable journal, a line that is not a journal line, an index outside the job, a
/// report that cannot be written. Names the file and, when one line is at fault, the line.
public struct RunFileError: Error, Sendable, CustomStringConvertible {
    /// The file at fault.
    public let path: String
    /// The 1-based line of `path` at fault, when it is one line of `results.jsonl`.
    public let line: Int?
    /// The 1-based byte column within that line, when known.
    public let column: Int?
    /// What is wrong.
    public let reason: String

    /// An error about `path` as a whole, or about one of its lines.
    public init(path: String, line: Int? = nil, column: Int? = nil, reason: String) {
        self.path = path
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// A file of the run that could not be written: its path once, then what went wrong.
    public init(writing error: OutputError) {
        self.init(path: error.path, reason: error.reason)
    }

    /// `runs/x/results.jsonl:12:40: expected a number for "seconds"`.
    public var description: String {
        var location = path
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(reason)"
    }
}
