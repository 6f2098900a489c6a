#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file the run writes, opened with POSIX calls so appends and fsync are explicit.
final class OutputFile {
    private let descriptor: Int32
    /// The file's path, for error messages.
    let path: String

    /// Opens `path` for appending, creating it if needed (`truncate` empties it first).
    init(appendingTo path: String, truncate: Bool = false) throws(OutputError) {
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0)
        descriptor = open(path, flags, 0o644)
        self.path = path
        guard descriptor >= 0 else { throw OutputError(path: path, operation: "open", code: errno) }
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) throws(OutputError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: path, operation: "write", code: errno)
            }
            written += result
        }
    }

    /// Forces what was written to the disk.
    func sync() throws(OutputError) {
        guard fsync(descriptor) == 0 else { throw OutputError(path: path, operation: "fsync", code: errno) }
    }

    /// Writes `bytes` to `path` atomically: a temporary file beside it, fsync, rename.
    static func replace(_ path: String, with bytes: [UInt8]) throws(OutputError) {
        let temporary = path + ".tmp"
        let file = try OutputFile(appendingTo: temporary, truncate: true)
        try file.write(bytes)
        try file.sync()
        guard rename(temporary, path) == 0 else { throw OutputError(path: path, operation: "rename", code: errno) }
    }

    /// Creates `path` and its parents, like `mkdir -p`.
    static func makeDirectory(_ path: String) throws(OutputError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw OutputError(path: path, operation: "mkdir", code: errno)
            }
        }
    }
}

/// A file or directory of the run's output that could not be written.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    /// The file or directory.
    public let path: String
    /// The call that failed.
    public let operation: String
    /// `errno`.
    public let code: Int32
    /// `results.jsonl: write: No space left on device`.
    public var description: String { "\(path): \(operation): \(String(cString: strerror(code)))" }
}
