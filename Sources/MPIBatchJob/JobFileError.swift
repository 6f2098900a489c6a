/// A problem with a job file, at the place it was found: `jobs/a.yaml:4:9: grid 'mesh' is empty`.
public struct JobFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The job file (or a file it names, such as a CSV table).
    public let path: String
    /// 1-based line of the culprit.
    public let line: Int
    /// 1-based column of the culprit.
    public let column: Int
    /// What is wrong, naming the culprit.
    public let message: String

    /// Makes an error at `path:line:column`.
    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// One line: `path:line:column: message`.
    public var description: String { "\(path):\(line):\(column): \(message)" }
}

/// Every problem found in a job file, in file order; what `validate` prints, one per line.
public struct JobFileErrors: Error, Sendable, CustomStringConvertible {
    /// The problems, at least one.
    public let errors: [JobFileError]

    /// Wraps `errors`, sorted by place.
    public init(_ errors: [JobFileError]) {
        self.errors = errors.sorted { ($0.path, $0.line, $0.column) < ($1.path, $1.line, $1.column) }
    }

    /// The first problem (in file order).
    public var first: JobFileError { errors[0] }

    /// One line per problem.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

extension Array where Element == JobFileError {
    /// `body`'s result, or nil with its error appended: lets a parser report every problem, not just the first.
    mutating func collecting<T>(_ body: () throws(JobFileError) -> T?) -> T? {
        do { return try body() } catch {
            append(error)
            return nil
        }
    }
}
