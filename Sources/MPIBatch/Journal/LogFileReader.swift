#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads a stretch of a log file for `mpibatch logs`, a MiB at a time, never through a
/// symbolic link; a missing or short file is an error naming it and what was looked for.
enum LogFileReader {
    private static let chunk = 1 << 20

    /// Writes bytes `range` of the file at `path` (all of it when nil) to `output`;
    /// `looking` says what the bytes are, for the error when they are not there.
    static func copy(
        path: String, range: Range<Int>?, to output: FileHandle, looking: () -> String
    ) throws(RunFileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            throw RunFileError(path: path, reason: JournalFileReader.openFailure(errno) + "; " + looking())
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw RunFileError(path: path, reason: "fstat: " + String(cString: strerror(errno)))
        }
        let wanted = range ?? 0..<Int(status.st_size)
        guard wanted.upperBound <= Int(status.st_size) else {
            throw RunFileError(path: path, reason: "is \(status.st_size) bytes long, but \(looking()) (was the file cut?)")
        }
        var buffer = [UInt8](repeating: 0, count: min(chunk, max(1, wanted.count)))
        var position = wanted.lowerBound
        while position < wanted.upperBound {
            let count = buffer.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress, min($0.count, wanted.upperBound - position), off_t(position))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                throw RunFileError(path: path, reason: "read: " + (count < 0 ? String(cString: strerror(errno)) : "the file ended early"))
            }
            output.write(Data(buffer[..<count]))
            position += count
        }
    }
}
