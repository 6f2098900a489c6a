import CMPI
import CMPIShim

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
    /// `root`'s bytes on every rank (`MPI_Bcast` of the length, then of the bytes).
    public func broadcast(_ bytes: [UInt8], root: Int = 0) throws(MPIError) -> [UInt8] {
        var count = Int64(bytes.count)
        try check(MPI_Bcast(&count, 1, cmpishim_type_int64(), Int32(root), handle), "MPI_Bcast(length)")
        var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count))
        try check(MPI_Bcast(&buffer, Int32(count), cmpishim_type_byte(), Int32(root), handle), "MPI_Bcast")
        return buffer
    }
}
