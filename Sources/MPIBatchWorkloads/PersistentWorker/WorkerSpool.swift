import MPIBatchCore
import MPIBatchJournal

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A worker's stdout and stderr: two files in `TMPDIR` (node-local), unlinked as soon as
/// they are made, so nothing is left behind however the rank ends. The worker appends to
/// them through descriptors 1 and 2; after each result the slot reads the task's part
/// through descriptors of its own and copies it into the rank's log (`RankLog`).
final class WorkerSpool {
    /// Read ends (mpibatch's) of stdout and stderr.
    private let readers: [Int32]
    /// Append ends for the worker, until `closeWriters`.
    private(set) var writers: [Int32]

    /// Two fresh files; nil with the reason when they cannot be made.
    init() throws(WorkerSpoolError) {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var readers: [Int32] = []
        var writers: [Int32] = []
        for stream in LogStream.allCases {
            var template = Array("\(directory)/mpibatch-worker-\(stream.rawValue)-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if made >= 0 { _ = fcntl(made, F_SETFD, FD_CLOEXEC) }
            guard made >= 0 else {
                for fd in readers + writers { close(fd) }
                throw WorkerSpoolError(reason: "cannot make its output file in \(directory): \(String(cString: strerror(errno)))")
            }
            let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let appending = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
            unlink(path)
            readers.append(made)
            writers.append(appending)
        }
        self.readers = readers
        self.writers = writers
    }

    /// Closes the worker's ends once it has its own copies.
    func closeWriters() {
        for fd in writers where fd >= 0 { close(fd) }
        writers = []
    }

    deinit {
        closeWriters()
        for fd in readers { close(fd) }
    }

    private func reader(_ stream: LogStream) -> Int32 { readers[stream == .out ? 0 : 1] }

    /// The stream's size now.
    func size(_ stream: LogStream) -> Int {
        var info = stat()
        return fstat(reader(stream), &info) == 0 ? Int(info.st_size) : 0
    }

    /// Bytes `range` of the stream, kept as a command's output is (up to `limit`, head and tail).
    func read(_ stream: LogStream, _ range: Range<Int>, limit: Int) -> CapturedOutput {
        var output = CapturedOutput(limit: limit)
        guard !range.isEmpty else { return output }
        let fd = reader(stream)
        var buffer = [UInt8](repeating: 0, count: min(range.count, 1 << 20))
        var offset = range.lowerBound
        while offset < range.upperBound {
            let wanted = min(buffer.count, range.upperBound - offset)
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(offset)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            buffer.withUnsafeBytes { output.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            offset += count
        }
        return output
    }

    /// The last `bytes` of stderr (a dead worker's last words), trimmed.
    func stderrTail(bytes: Int = 1024) -> String {
        let end = size(.err)
        let tail = read(.err, max(0, end - bytes)..<end, limit: bytes + 2).kept(stream: "stderr")
        return String(decoding: tail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Why a worker's output files could not be made.
struct WorkerSpoolError: Error, Sendable {
    /// The reason.
    let reason: String
}
