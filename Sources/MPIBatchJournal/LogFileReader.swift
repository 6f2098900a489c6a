import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SystemPackage

/// Reads a stretch of a log file for `mpibatch logs`, a MiB at a time, never through a
/// symbolic link; a missing or short file is an error naming it and what was looked for.
enum LogFileReader {
    private static let chunk = 1 << 20

    /// The path of a log that a journal line places at `relative` in the run at `directory`,
    /// when it lies inside it: relative, without `.` or `..`, and through real directories
    /// only (no symbolic link on the way); else an error naming `journal` and the path, so a
    /// doctored journal cannot make `mpibatch logs` print `/etc/passwd`.
    static func confined(_ relative: String, in directory: String, journal: String) throws(RunFileError) -> String {
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.hasPrefix("/"), !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw RunFileError(path: journal, reason: "log path '\(relative)' lies outside the run directory; mpibatch logs reads only files inside it")
        }
        var path = directory
        for component in components.dropLast() {
            path += "/" + component
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                throw RunFileError(path: path, reason: "is not a directory of the run (a symbolic link?); mpibatch logs reads only files inside it")
            }
        }
        return directory + "/" + relative
    }

    /// Writes bytes `range` of the file at `path` (all of it when nil) to `output`;
    /// `looking` says what the bytes are, for the error when they are not there.
    static func copy(
        path: String, range: Range<Int>?, to output: FileHandle, looking: () -> String
    ) throws(RunFileError) {
        let descriptor: FileDescriptor
        do {
            descriptor = try JournalFileReader.openForReading(path)
        } catch {
            throw RunFileError(path: path, reason: error.reason + "; " + looking())
        }
        defer { try? descriptor.close() }
        var status = stat()
        guard fstat(descriptor.rawValue, &status) == 0 else {
            throw RunFileError(path: path, reason: "fstat: " + String(cString: strerror(errno)))
        }
        let wanted = range ?? 0..<Int(status.st_size)
        guard wanted.upperBound <= Int(status.st_size) else {
            throw RunFileError(path: path, reason: "is \(status.st_size) bytes long, but \(looking()) (was the file cut?)")
        }
        var buffer = [UInt8](repeating: 0, count: min(chunk, max(1, wanted.count)))
        var position = wanted.lowerBound
        while position < wanted.upperBound {
            let count: Int
            do {
                count = try buffer.withUnsafeMutableBytes {
                    try descriptor.read(
                        fromAbsoluteOffset: Int64(position),
                        into: UnsafeMutableRawBufferPointer(rebasing: $0[..<min($0.count, wanted.upperBound - position)]))
                }
            } catch {
                throw RunFileError(path: path, reason: "read: \(error)")
            }
            guard count > 0 else { throw RunFileError(path: path, reason: "read: the file ended early") }
            output.write(Data(buffer[..<count]))
            position += count
        }
    }
}
