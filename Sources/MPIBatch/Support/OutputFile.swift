#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// A file the run writes, through swift-system's `FileDescriptor` (whole writes, `EINTR`
/// retried), with appends and fsync explicit. Never through a symbolic link: a link where an
/// output goes is refused (`ELOOP`), so a planted link cannot make the run overwrite some other file.
final class OutputFile {
    private let descriptor: FileDescriptor
    /// The file's path, for error messages.
    let path: String

    /// Opens `path` for appending, creating it if needed (`truncate` empties it first;
    /// `exclusive` refuses a file that exists).
    init(appendingTo path: String, truncate: Bool = false, exclusive: Bool = false) throws(OutputError) {
        var options: FileDescriptor.OpenOptions = [.create, .append, .closeOnExec, .noFollow]
        if truncate { options.insert(.truncate) }
        if exclusive { options.insert(.exclusiveCreate) }
        self.path = path
        descriptor = try Self.attempt("open", path) {
            try FileDescriptor.open(path, .writeOnly, options: options, permissions: [.ownerReadWrite, .groupRead, .otherRead])
        }
    }

    /// The file's length now.
    func length() throws(OutputError) -> Int {
        Int(try Self.attempt("lseek", path) { try descriptor.seek(offset: 0, from: .end) })
    }

    /// Cuts the file back to `length` bytes.
    func truncate(to length: Int) throws(OutputError) {
        try Self.attempt("ftruncate", path) { try descriptor.resize(to: Int64(length)) }
    }

    deinit { try? descriptor.close() }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) throws(OutputError) {
        _ = try Self.attempt("write", path) { try descriptor.writeAll(bytes) }
    }

    /// Appends `bytes` (in one `write` unless the system takes less) and returns the offset
    /// where they begin, found from the file position after the write: with `O_APPEND` the
    /// system places each write at the end atomically, so another writer appending to the
    /// same file cannot make the offset wrong.
    func append(_ bytes: [UInt8]) throws(OutputError) -> Int {
        try write(bytes)
        return Int(try Self.attempt("lseek", path) { try descriptor.seek(offset: 0, from: .current) }) - bytes.count
    }

    /// Forces what was written to the disk (swift-system has no fsync).
    func sync() throws(OutputError) {
        guard fsync(descriptor.rawValue) == 0 else { throw OutputError(path: path, operation: "fsync", code: errno) }
    }

    /// `body`'s result, or the `Errno` it threw (swift-system throws nothing else) as an
    /// `OutputError` naming `operation` on `path`.
    private static func attempt<Result>(
        _ operation: String, _ path: String, _ body: () throws -> Result
    ) throws(OutputError) -> Result {
        do {
            return try body()
        } catch {
            throw OutputError(path: path, operation: operation, code: (error as? Errno)?.rawValue ?? EIO)
        }
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
    /// `write: No space left on device`: what went wrong, without the path.
    public var reason: String {
        code == ELOOP
            ? "is a symbolic link; mpibatch does not write its outputs through one (remove it)"
            : "\(operation): \(String(cString: strerror(code)))"
    }
    /// `results.jsonl: write: No space left on device`.
    public var description: String { "\(path): \(reason)" }
}
