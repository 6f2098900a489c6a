#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file the run writes, opened with POSIX calls so appends and fsync are explicit.
/// Never through a symbolic link: a link where an output goes is refused (`ELOOP`), so a
/// planted link cannot make the run overwrite some other file.
final class OutputFile {
    private let descriptor: Int32
    /// The file's path, for error messages.
    let path: String

    /// Opens `path` for appending, creating it if needed (`truncate` empties it first;
    /// `exclusive` refuses a file that exists).
    init(appendingTo path: String, truncate: Bool = false, exclusive: Bool = false) throws(OutputError) {
        let flags =
            O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | (truncate ? O_TRUNC : 0) | (exclusive ? O_EXCL : 0)
        descriptor = open(path, flags, 0o644)
        self.path = path
        guard descriptor >= 0 else { throw OutputError(path: path, operation: "open", code: errno) }
    }

    /// The file's length now.
    func length() throws(OutputError) -> Int {
        let end = lseek(descriptor, 0, SEEK_END)
        guard end >= 0 else { throw OutputError(path: path, operation: "lseek", code: errno) }
        return Int(end)
    }

    /// Cuts the file back to `length` bytes.
    func truncate(to length: Int) throws(OutputError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw OutputError(path: path, operation: "ftruncate", code: errno)
        }
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

    /// Appends `bytes` (in one `write` unless the system takes less) and returns the offset
    /// where they begin, found from the file position after the write: with `O_APPEND` the
    /// system places each write at the end atomically, so another writer appending to the
    /// same file cannot make the offset wrong.
    func append(_ bytes: [UInt8]) throws(OutputError) -> Int {
        try write(bytes)
        let end = lseek(descriptor, 0, SEEK_CUR)
        guard end >= 0 else { throw OutputError(path: path, operation: "lseek", code: errno) }
        return Int(end) - bytes.count
    }

    /// Forces what was written to the disk.
    func sync() throws(OutputError) {
        guard fsync(descriptor) == 0 else { throw OutputError(path: path, operation: "fsync", code: errno) }
    }

    /// Writes `bytes` to `path` atomically: a new temporary file beside it (whatever was
    /// at its name, a link included, is removed first, never written through), fsync, rename.
    static func replace(_ path: String, with bytes: [UInt8]) throws(OutputError) {
        let temporary = path + ".tmp"
        if unlink(temporary) != 0, errno != ENOENT { throw OutputError(path: temporary, operation: "unlink", code: errno) }
        let file = try OutputFile(appendingTo: temporary, exclusive: true)
        do {
            try file.write(bytes)
            try file.sync()
        } catch {
            unlink(temporary)  // no half-written file left behind
            throw error
        }
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
    public var description: String {
        code == ELOOP
            ? "\(path): is a symbolic link; mpibatch does not write its outputs through one (remove it)"
            : "\(path): \(operation): \(String(cString: strerror(code)))"
    }
}
