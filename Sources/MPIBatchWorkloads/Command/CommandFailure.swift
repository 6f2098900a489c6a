import MPIBatchJob

/// Why a command task failed; the description lands in `results.jsonl`'s `error`.
public enum CommandFailure: Error, Sendable, CustomStringConvertible {
    /// The program could not be started (not found, not executable, bad `cwd:`…).
    case cannotStart(program: String, reason: String)
    /// It exited with a non-zero status; `stderrTail` is the end of its stderr, `hint` a
    /// suggestion when that looks like a path that did not resolve (`MissingFileHint`).
    case exited(program: String, status: Int32, stderrTail: String, hint: String? = nil)
    /// A signal (not our timeout) killed it.
    case signaled(program: String, signal: Int32, stderrTail: String)
    /// Its process group went over its `memory:` (`limit` bytes; `used` bytes of PSS when seen) and was killed.
    case overMemory(program: String, usedBytes: Int, limitBytes: Int, stderrTail: String)
    /// Its result could not be captured (`result:`).
    case badResult(program: String, reason: String)
    /// The log directory or files could not be created.
    case logs(path: String, reason: String)

    /// One message naming the program and, where there is one, the end of its stderr.
    public var description: String {
        switch self {
        case .cannotStart(let program, let reason): "cannot start '\(program)': \(reason)"
        case .exited(let program, let status, let tail, let hint):
            "'\(program)' exited with status \(status)" + Self.tail(tail) + (hint.map { " (hint: \($0))" } ?? "")
        case .signaled(let program, let signal, let tail): "'\(program)' was killed by signal \(signal)" + Self.tail(tail)
        case .overMemory(let program, let used, let limit, let tail):
            "'\(program)' went over its memory: used \(TaskResources.bytesText(used)) (PSS) of its memory: \(TaskResources.bytesText(limit)), "
                + "\(TaskResources.bytesText(used - limit)) over; ended (SIGKILL)" + Self.tail(tail)
        case .badResult(let program, let reason): "'\(program)' result: \(reason)"
        case .logs(let path, let reason): "cannot write task logs at \(path): \(reason)"
        }
    }

    /// What stands between the cause and the end of stderr in `description`.
    package static let stderrMarker = "; stderr: "

    private static func tail(_ text: String) -> String { text.isEmpty ? "" : stderrMarker + text }
}
