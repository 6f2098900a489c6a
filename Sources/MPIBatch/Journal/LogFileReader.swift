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
