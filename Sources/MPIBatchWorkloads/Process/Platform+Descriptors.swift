import MPIBatchCore
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pipes and sockets for the processes tasks start (`Platform`): close-on-exec, so that a child
/// another slot spawns meanwhile never holds one open, and a write to a peer that has gone
/// fails with EPIPE instead of killing the rank with SIGPIPE.
extension Platform {
    /// A new pipe, both ends close-on-exec: its read end and its write end.
    ///
    /// glibc: `pipe2`, atomic. Darwin has no `pipe2`: `pipe` then `fcntl`, which leaves a moment
    /// in which another slot's spawn could inherit the ends (and that child would hold the
    /// task's output open until it exits).
    static func closeOnExecPipe() -> Result<(read: Int32, write: Int32), Errno> {
        var ends: [Int32] = [-1, -1]
        #if canImport(Glibc)
        guard let pipe2 = Self.pipe2 else { return .failure(Errno(rawValue: ENOSYS)) }
        guard pipe2(&ends, O_CLOEXEC) == 0 else { return .failure(Errno(rawValue: errno)) }
        #else
        guard pipe(&ends) == 0 else { return .failure(Errno(rawValue: errno)) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        #endif
        return .success((ends[0], ends[1]))
    }

    /// A connected pair of Unix stream sockets, both close-on-exec (on Darwin, with SIGPIPE
    /// off for them as well: see `sendWithoutSignal`); nil with `errno` set when they cannot be made.
    static func closeOnExecSocketPair() -> (Int32, Int32)? {
        var pair: [Int32] = [-1, -1]
        #if canImport(Glibc)
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else { return nil }
        #else
        guard socketpair(AF_UNIX, SOCK_STREAM, 0, &pair) == 0 else { return nil }
        var on: Int32 = 1
        for side in pair {
            _ = fcntl(side, F_SETFD, FD_CLOEXEC)
            _ = setsockopt(side, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        #endif
        return (pair[0], pair[1])
    }

    /// `send` of `bytes` on socket `fd` that reports a peer gone as EPIPE rather than raising
    /// SIGPIPE (glibc: `MSG_NOSIGNAL`; Darwin: the socket's `SO_NOSIGPIPE`, set by
    /// `closeOnExecSocketPair`): the count sent, or -1 with `errno` set.
    static func sendWithoutSignal(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        #if canImport(Glibc)
        send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        #else
        send(fd, bytes.baseAddress, bytes.count, 0)
        #endif
    }

    #if canImport(Glibc)
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    /// glibc's `pipe2`, looked up at run time because Swift's Glibc module does not declare GNU
    /// extensions.
    private static let pipe2: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    #endif
}
