import CMPI
import CMPIShim

/// A non-blocking send or receive in flight, with the buffer it owns until it completes.
///
/// Dropping a request that has not completed does not free a buffer MPI may still use: a
/// pending receive is cancelled and a pending send waited for before the buffer goes.
///
/// Not `Sendable`: a request belongs to the thread that started it.
public final class Request {
    var handle: MPI_Request? = cmpishim_request_null()
    let buffer: UnsafeMutableRawBufferPointer
    /// Bytes received, once a receive has completed.
    public private(set) var receivedCount = 0

    private let isReceive: Bool

    init(copying bytes: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        self.buffer = buffer
        isReceive = false
    }

    init(capacity: Int) {
        buffer = .allocate(byteCount: max(capacity, 1), alignment: 8)
        isReceive = true
    }

    deinit {
        if !MPIEnvironment.isFinalized, handle != cmpishim_request_null() {
            if isReceive { MPI_Cancel(&handle) }
            MPI_Wait(&handle, cmpishim_status_ignore())
        }
        buffer.deallocate()
    }

    /// Whether the operation has completed (`MPI_Test`); never blocks.
    public func test() throws(MPIError) -> Bool {
        var flag: Int32 = 0
        var status = MPI_Status()
        try check(MPI_Test(&handle, &flag, &status), "MPI_Test")
        if flag != 0 { record(status) }
        return flag != 0
    }

    /// Blocks until the operation completes (`MPI_Wait`).
    public func wait() throws(MPIError) {
        var status = MPI_Status()
        try check(MPI_Wait(&handle, &status), "MPI_Wait")
        record(status)
    }

    /// The bytes a completed receive got.
    public var received: [UInt8] {
        Array(UnsafeRawBufferPointer(rebasing: buffer[0..<receivedCount]))
    }

    private func record(_ status: MPI_Status) {
        var status = status
        var count: Int32 = 0
        if MPI_Get_count(&status, cmpishim_type_byte(), &count) == MPI_SUCCESS, count >= 0 {
            receivedCount = Int(count)
        }
    }
}
