#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SystemPackage

/// A file the run writes, through swift-system's `FileDescriptor` (whole writes, `EINTR`
/// retried), with appends and fsync explicit. Never through a symbolic link: a link where an
/// output goes is refused (`ELOOP`), so a planted link cannot make the run overwrite some other file.
package final class OutputFile {
    private let descriptor: FileDescriptor
    /// The file's path, for error messages.
    let path: String

    /// Opens `path` for appending, creating it if needed (`truncate` empties it first;
    /// `exclusive` refuses a file that exists).
    package init(appendingTo path: String, truncate: Bool = false, exclusive: Bool = false) throws(OutputError) {
        var options: FileDescriptor.OpenOptions = [.create, .append, .closeOnExec, .noFollow]
        if truncate { options.insert(.truncate) }
        if exclusive { options.insert(.exclusiveCreate) }
        self.path = path
        descriptor = try Self.attempt("open", path) {
            try FileDescriptor.open(path, .writeOnly, options: options, permissions: [.ownerReadWrite, .groupRead, .otherRead])
        }
    }

    /// The file's length now.
    package func length() throws(OutputError) -> Int {
        Int(try Self.attempt("lseek", path) { try descriptor.seek(offset: 0, from: .end) })
    }

    /// Cuts the file back to `length` bytes.
    package func truncate(to length: Int) throws(OutputError) {
        try Self.attempt("ftruncate", path) { try descriptor.resize(to: Int64(length)) }
    }

    deinit { try? descriptor.close() }

    /// Writes all of `bytes`.
    package func write(_ bytes: [UInt8]) throws(OutputError) {
        _ = try Self.attempt("write", path) { try descriptor.writeAll(bytes) }
    }

    /// Appends `bytes` (in one `write` unless the system takes less) and returns the offset
    /// where they begin, found from the file position after the write: with `O_APPEND` the
    /// system places each write at the end atomically, so another writer appending to the
    /// same file cannot make the offset wrong.
    package func append(_ bytes: [UInt8]) throws(OutputError) -> Int {
        try write(bytes)
        return Int(try Self.attempt("lseek", path) { try descriptor.seek(offset: 0, from: .current) }) - bytes.count
    }

    /// Hands `count` bytes from `offset` to the disk and returns at once: on Linux
    /// `POSIX_FADV_DONTNEED` starts the writeback of the range's dirty pages without waiting (so
    /// that the next `sync` waits only for what is still in flight), and drops its clean pages
    /// (written back already) from the cache. Handing a range again once its writeback is done
    /// drops the rest of it (Glibc's module has no `sync_file_range`). It promises nothing: an error
    /// of the writeback is one that `sync`, which must follow, reports.
    package func handToDisk(offset: Int, count: Int) {
        #if os(Linux)
            _ = posix_fadvise(descriptor.rawValue, off_t(offset), off_t(count), POSIX_FADV_DONTNEED)
        #endif
    }

    /// Forces what was written to the disk (swift-system has no fsync).
    package func sync() throws(OutputError) {
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

    /// Writes `bytes` to `path` atomically: a new temporary file beside it, fsync, rename.
    /// The temporary's name is this call's own (`NAME.tmp-PID-RANDOM`, created exclusively,
    /// never through a link), so processes replacing the same file at once (two `mpibatch
    /// report DIR`) each write a whole file and the last rename wins.
    package static func replace(_ path: String, with bytes: [UInt8]) throws(OutputError) {
        let (file, temporary) = try temporary(beside: path)
        do {
            try file.write(bytes)
            try file.sync()
        } catch {
            unlink(temporary)  // no half-written file left behind
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw OutputError(path: path, operation: "rename", code: code)
        }
    }

    /// A new, empty temporary file beside `path`, under a name no one else has, and that name.
    private static func temporary(beside path: String) throws(OutputError) -> (OutputFile, String) {
        while true {
            let name = "\(path).tmp-\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16))"
            do {
                return (try OutputFile(appendingTo: name, exclusive: true), name)
            } catch where error.code == EEXIST {
                continue  // taken: draw another name
            }
        }
    }

    /// Refuses a run directory whose own directories (`logs`, `stages`, `stages/NAME`) are
    /// symbolic links (`ELOOP`, naming the first), before the run writes anything into them.
    package static func refuseLinkedDirectories(in runDirectory: String) throws(OutputError) {
        func refuseLink(_ path: String) throws(OutputError) {
            var status = stat()
            if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK {
                throw OutputError(path: path, operation: "open", code: ELOOP)
            }
        }
        try refuseLink(runDirectory + "/logs")
        try refuseLink(runDirectory + "/stages")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: runDirectory + "/stages")) ?? [] {
            try refuseLink(runDirectory + "/stages/" + name)
        }
    }

    /// Creates `path` and its parents, like `mkdir -p`. The last `runsOwn` components are
    /// the run's own directories (`logs`, `stages/NAME`): one that exists must be a directory,
    /// not a symbolic link (`ELOOP`, naming it), so a planted link cannot send the run's files
    /// elsewhere. Those above (the `--out` the user gave) may go through links.
    package static func makeDirectory(_ path: String, runsOwn: Int = 0) throws(OutputError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        let components = path.split(separator: "/")
        for (number, component) in components.enumerated() {
            prefix += component + "/"
            guard mkdir(prefix, 0o755) != 0 else { continue }
            let code = errno
            guard code == EEXIST else { throw OutputError(path: path, operation: "mkdir", code: code) }
            guard number >= components.count - runsOwn else { continue }
            let directory = String(prefix.dropLast())  // without the '/', which would resolve a link
            var status = stat()
            guard lstat(directory, &status) == 0 else { throw OutputError(path: directory, operation: "lstat", code: errno) }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: continue
            case S_IFLNK: throw OutputError(path: directory, operation: "mkdir", code: ELOOP)
            default: throw OutputError(path: directory, operation: "mkdir", code: ENOTDIR)
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
