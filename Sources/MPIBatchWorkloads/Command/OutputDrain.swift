import MPIBatchCore
import MPIBatchJournal

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// The read ends of the two pipes a command task's stdout and stderr go through, read into
/// `CapturedOutput`s on the thread that waits for the task (never on Swift's pool).
///
/// Both pipes are made close-on-exec, so a child that another slot spawns meanwhile never
/// holds one open (only this task's child gets them, as its fds 1 and 2). Reading stops at
/// the end of both pipes, or when the caller's condition says so: a process the task left
/// behind that keeps a pipe open (a daemon in a session of its own) cannot hang the rank.
struct OutputDrain: Sendable {
    /// What came through the child's stdout.
    private(set) var stdout: CapturedOutput
    /// What came through the child's stderr.
    private(set) var stderr: CapturedOutput
    private let stdoutEnd: Int32
    private let stderrEnd: Int32
    /// The read ends not yet at their end.
    private var unfinished: [Int32]
    /// How often `read(until:)` asks its condition, in nanoseconds.
    private static let checkInterval: UInt64 = 50_000_000
    /// A pipe's capacity: what one `read` can return.
    private static let readSize = 1 << 16

    /// Two new pipes, each keeping up to `limit` bytes (see `CapturedOutput`); returns the
    /// drain and the write ends, for the child's fds 1 and 2 (the caller closes them once spawned).
    static func open(limit: Int) -> Result<(drain: OutputDrain, stdout: Int32, stderr: Int32), Errno> {
        let out: (read: Int32, write: Int32)
        let err: (read: Int32, write: Int32)
        switch Platform.closeOnExecPipe() {
        case .success(let ends): out = ends
        case .failure(let code): return .failure(code)
        }
        switch Platform.closeOnExecPipe() {
        case .success(let ends): err = ends
        case .failure(let code):
            Self.close(out.read, out.write)
            return .failure(code)
        }
        let drain = OutputDrain(
            stdout: CapturedOutput(limit: limit), stderr: CapturedOutput(limit: limit), stdoutEnd: out.read,
            stderrEnd: err.read, unfinished: [out.read, err.read])
        return .success((drain, out.write, err.write))
    }

    /// Reads whatever arrives until both pipes end, or until `stop()` is true; `stop` is asked
    /// at least every 50 ms, whether the pipes are quiet or busy.
    mutating func read(until stop: () -> Bool) {
        guard !unfinished.isEmpty else { return }
        var buffer = [UInt8](unsafeUninitializedCapacity: Self.readSize) { _, count in count = Self.readSize }
        var lastCheck = MonotonicClock.nanoseconds()
        while !unfinished.isEmpty {
            var polled = unfinished.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polled, nfds_t(polled.count), Int32(Self.checkInterval / 1_000_000))
            if ready < 0, errno != EINTR { return }
            for entry in polled where entry.revents != 0 {
                readOnce(entry.fd, into: &buffer)
            }
            let now = MonotonicClock.nanoseconds()
            if ready == 0 || now &- lastCheck >= Self.checkInterval {
                lastCheck = now
                if stop() { return }
            }
        }
    }

    private mutating func readOnce(_ fd: Int32, into buffer: inout [UInt8]) {
        let count: Int
        do {
            count = try buffer.withUnsafeMutableBytes { try FileDescriptor(rawValue: fd).read(into: $0) }  // EINTR retried
        } catch Errno.resourceTemporarilyUnavailable {
            return
        } catch {
            count = 0  // an error ends the pipe too
        }
        guard count > 0 else {
            unfinished.removeAll { $0 == fd }  // the end of the pipe
            return
        }
        buffer.withUnsafeBytes { bytes in
            let received = UnsafeRawBufferPointer(rebasing: bytes[..<count])
            if fd == stdoutEnd { stdout.append(received) } else { stderr.append(received) }
        }
    }

    /// Closes both read ends; a process still writing to them gets SIGPIPE.
    func close() {
        Self.close(stdoutEnd, stderrEnd)
    }

    private static func close(_ descriptors: Int32...) {
        for descriptor in descriptors { try? FileDescriptor(rawValue: descriptor).close() }
    }
}
