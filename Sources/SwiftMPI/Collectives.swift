import CMPI
import CMPIShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scalars that `allreduce` can combine.
public protocol MPIReducible: Sendable, BitwiseCopyable {
    /// The MPI datatype handle of the scalar.
    static var mpiDatatype: MPI_Datatype { get }
}

extension Int64: MPIReducible { public static var mpiDatatype: MPI_Datatype { cmpishim_type_int64() } }
extension UInt64: MPIReducible { public static var mpiDatatype: MPI_Datatype { cmpishim_type_uint64() } }
extension Int32: MPIReducible { public static var mpiDatatype: MPI_Datatype { cmpishim_type_int32() } }
extension Double: MPIReducible { public static var mpiDatatype: MPI_Datatype { cmpishim_type_double() } }

/// A reduction for `allreduce`.
public enum ReduceOperation: Sendable {
    case sum, max, min

    var handle: MPI_Op {
        switch self {
        case .sum: cmpishim_op_sum()
        case .max: cmpishim_op_max()
        case .min: cmpishim_op_min()
        }
    }
}

extension Communicator {
    /// Combines `value` from every rank with `operation`; every rank gets the result (`MPI_Allreduce`).
    public func allreduce<T: MPIReducible>(_ value: T, _ operation: ReduceOperation) throws(MPIError) -> T {
        var input = value
        var output = value
        try check(MPI_Allreduce(&input, &output, 1, T.mpiDatatype, operation.handle, handle), "MPI_Allreduce")
        return output
    }

    /// Collects byte strings of any length from every rank on `root` (`MPI_Gather` of the
    /// lengths, then `MPI_Gatherv`). Returns them in rank order on `root`, `nil` elsewhere.
    public func gatherv(_ bytes: [UInt8], root: Int = 0) throws(MPIError) -> [[UInt8]]? {
        var count = Int32(bytes.count)
        var counts = [Int32](repeating: 0, count: rank == root ? size : 1)
        try check(
            MPI_Gather(&count, 1, cmpishim_type_int32(), &counts, 1, cmpishim_type_int32(), Int32(root), handle),
            "MPI_Gather(lengths)")
        var displacements = [Int32](repeating: 0, count: counts.count)
        for index in counts.indices.dropFirst() { displacements[index] = displacements[index - 1] + counts[index - 1] }
        var gathered = [UInt8](repeating: 0, count: rank == root ? Int(counts.reduce(0, +)) : 1)
        let code = bytes.withUnsafeBytes { send in
            MPI_Gatherv(
                send.baseAddress, count, cmpishim_type_byte(), &gathered, &counts, &displacements,
                cmpishim_type_byte(), Int32(root), handle)
        }
        try check(code, "MPI_Gatherv")
        guard rank == root else { return nil }
        return counts.indices.map { Array(gathered[Int(displacements[$0])..<Int(displacements[$0] + counts[$0])]) }
    }

    /// Collects one fixed-size scalar from every rank on `root` (`MPI_Gather`); `nil` elsewhere.
    public func gather<T: MPIReducible>(_ value: T, root: Int = 0) throws(MPIError) -> [T]? {
        var input = value
        var output = [T](repeating: value, count: rank == root ? size : 1)
        try check(
            MPI_Gather(&input, 1, T.mpiDatatype, &output, 1, T.mpiDatatype, Int32(root), handle), "MPI_Gather")
        return rank == root ? output : nil
    }
}

extension Communicator {
    /// Every rank's `value`, in rank order, on every rank (`MPI_Allgather`).
    public func allgather<T: MPIReducible>(_ value: T) throws(MPIError) -> [T] {
        var input = value
        var output = [T](repeating: value, count: size)
        try check(MPI_Allgather(&input, 1, T.mpiDatatype, &output, 1, T.mpiDatatype, handle), "MPI_Allgather")
        return output
    }
}

extension Communicator {
    /// `root`'s bytes on every rank (`MPI_Ibcast` of the length, then of the bytes). A rank
    /// that waits, for a root still preparing what it sends (rank 0 making the run's
    /// directory, waiting for its first worker), sleeps between tests instead of spinning in
    /// MPI's progress loop as `MPI_Bcast` does: it would take a core from the workers that
    /// start meanwhile on its node.
    public func broadcast(_ bytes: [UInt8], root: Int = 0) throws(MPIError) -> [UInt8] {
        var count = Int64(bytes.count)
        var request: MPI_Request? = cmpishim_request_null()
        try check(MPI_Ibcast(&count, 1, cmpishim_type_int64(), Int32(root), handle, &request), "MPI_Ibcast(length)")
        try Self.waitIdly(&request, "MPI_Ibcast(length)")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(Int(count), 1), alignment: 8)
        defer { buffer.deallocate() }
        if rank == root { bytes.withUnsafeBytes { buffer.copyMemory(from: $0) } }
        try check(
            MPI_Ibcast(buffer.baseAddress, Int32(count), cmpishim_type_byte(), Int32(root), handle, &request), "MPI_Ibcast")
        try Self.waitIdly(&request, "MPI_Ibcast")
        return rank == root ? bytes : Array(buffer[0..<Int(count)])
    }

    /// Waits for `request` without spinning: tests it, sleeping 1, 2, 4 … µs (at most 1 ms)
    /// between tests (each test also moves the operation on).
    private static func waitIdly(_ request: inout MPI_Request?, _ function: String) throws(MPIError) {
        var done: Int32 = 0
        var pause: UInt32 = 1
        while true {
            try check(MPI_Test(&request, &done, cmpishim_status_ignore()), function)
            if done != 0 { return }
            usleep(pause)
            pause = min(pause * 2, 1_000)
        }
    }
}
