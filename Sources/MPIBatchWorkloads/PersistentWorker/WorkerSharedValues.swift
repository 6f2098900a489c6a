import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ring of shared memory a worker writes a block's float64 values into, where the rank
/// folds them in place (`docs/worker-protocol.md`, `shared_values`): neither the worker's
/// write into the results socket nor the rank's read of it (a third of what the rank spent on
/// a block of 65,536 values, a copy each way and the kernel's buffers) happens.
///
/// The memory is an unnamed shared-memory object (its name is removed at once), made before
/// its worker is spawned (`Unreserved`) and passed to it as descriptor `descriptor`; its pages
/// are reserved once the worker is on its way, while its interpreter starts: reserving zeroes
/// them (a ring of 4 MB took 1-9 ms on a loaded 2-core VM), which the spawn waited for. A full `/dev/shm` or memory
/// limit means no ring (the values go by the socket, as without one), never a worker killed
/// by SIGBUS at its first write. Its first `headerBytes` hold, as a little-endian 64-bit
/// count, how many of the ring's bytes the rank has taken (`release`); the worker writes a
/// block at its next position when the block fits between there and what was taken, else it
/// sends it by the socket.
///
/// Owned by one `WorkerProcess`, used by one slot at a time.
final class WorkerSharedValues {
    /// The descriptor number the worker finds the memory on.
    static let descriptor: Int32 = 5
    /// Bytes before the ring: the count of bytes taken, then nothing (a cache line).
    static let headerBytes = 64

    /// The descriptor of the memory (close-on-exec, numbered 10 or above).
    let fd: Int32
    /// The ring's size in bytes (a multiple of 8).
    let bytes: Int
    private let base: UnsafeMutableRawPointer
    /// Where the next block must lie at or after: the end of the last one taken.
    private var taken = 0

    /// The ring on descriptor `fd` of `bytes`, its pages reserved and mapped at `base` (`Unreserved.reserved`).
    private init(fd: Int32, bytes: Int, base: UnsafeMutableRawPointer) {
        self.fd = fd
        self.bytes = bytes
        self.base = base
    }

    deinit {
        munmap(base, Self.headerBytes + bytes)
        close(fd)
    }

    /// The `count` values a result says lie at ring position `at` (a count of bytes since
    /// the ring began, as the worker counts them): nil when they cannot, because `at` is not
    /// a whole value's, is before the end of the block last taken, or the values would run
    /// past the ring's end (a worker that breaks the protocol).
    func values(at: Int, count: Int) -> UnsafeRawBufferPointer? {
        guard at % 8 == 0, at >= taken, count >= 0, count <= bytes / 8 else { return nil }
        let offset = at % bytes
        guard offset + count * 8 <= bytes else { return nil }
        return UnsafeRawBufferPointer(start: base + Self.headerBytes + offset, count: count * 8)
    }

    /// Gives the ring up to the end of the block at `at` of `count` values (after `values`
    /// said where it lies and the rank has read it) back to the worker.
    func release(at: Int, count: Int) {
        taken = at + count * 8
        // The block's reads are done before the worker may see its room free and write there.
        atomicMemoryFence(ordering: .releasing)
        base.storeBytes(of: UInt64(taken).littleEndian, as: UInt64.self)
    }
}

extension WorkerSharedValues {
    /// A ring's memory object, sized but none of its pages reserved: made before its worker is
    /// spawned (which gets `fd`), and reserved (`reserved()`) once the worker is on its way.
    final class Unreserved {
        /// The descriptor of the memory (close-on-exec, numbered 10 or above).
        let fd: Int32
        /// The ring's size in bytes (a multiple of 8).
        let bytes: Int
        /// Set when `reserved()` gave the descriptor to the ring.
        private var handedOver = false

        /// The memory object of a ring of `bytes` (rounded down to whole values); nil when the
        /// system gives none.
        init?(bytes wanted: Int) {
            #if canImport(Glibc)
            let bytes = wanted / 8 * 8
            guard bytes > 0 else { return nil }
            let name = "/mpibatch-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            let raw = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard raw >= 0 else { return nil }
            shm_unlink(name)
            // Above the descriptors a spawn moves onto 3, 4 and 5, as the sockets are.
            let fd = fcntl(raw, F_DUPFD_CLOEXEC, 10)
            close(raw)
            guard fd >= 0 else { return nil }
            guard ftruncate(fd, off_t(WorkerSharedValues.headerBytes + bytes)) == 0 else {
                close(fd)
                return nil
            }
            self.fd = fd
            self.bytes = bytes
            #else
            return nil
            #endif
        }

        deinit {
            if !handedOver { close(fd) }
        }

        /// The ring, its pages reserved and mapped (once: the descriptor goes to the ring); nil
        /// when the system cannot give them. The object is then emptied, so a worker spawned
        /// with it holds nothing and is offered no ring.
        func reserved() -> WorkerSharedValues? {
            precondition(!handedOver, "a ring's memory is reserved once")
            #if canImport(Glibc)
            let total = WorkerSharedValues.headerBytes + bytes
            guard posix_fallocate(fd, 0, off_t(total)) == 0,
                let mapped = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapped != UnsafeMutableRawPointer(bitPattern: -1)
            else {
                _ = ftruncate(fd, 0)
                return nil
            }
            handedOver = true
            return WorkerSharedValues(fd: fd, bytes: bytes, base: mapped)
            #else
            return nil
            #endif
        }
    }
}
