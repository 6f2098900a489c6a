import CMPI
import CMPIShim

/// The thread support levels of `MPI_Init_thread`, weakest first.
public enum ThreadLevel: Int32, Comparable, Sendable, CustomStringConvertible {
    case single, funneled, serialized, multiple

    init(mpi value: Int32) {
        switch value {
        case Int32(MPI_THREAD_MULTIPLE): self = .multiple
        case Int32(MPI_THREAD_SERIALIZED): self = .serialized
        case Int32(MPI_THREAD_FUNNELED): self = .funneled
        default: self = .single
        }
    }

    var mpiValue: Int32 {
        switch self {
        case .single: Int32(MPI_THREAD_SINGLE)
        case .funneled: Int32(MPI_THREAD_FUNNELED)
        case .serialized: Int32(MPI_THREAD_SERIALIZED)
        case .multiple: Int32(MPI_THREAD_MULTIPLE)
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `MPI_THREAD_SERIALIZED` and so on.
    public var description: String {
        switch self {
        case .single: "MPI_THREAD_SINGLE"
        case .funneled: "MPI_THREAD_FUNNELED"
        case .serialized: "MPI_THREAD_SERIALIZED"
        case .multiple: "MPI_THREAD_MULTIPLE"
        }
    }
}

/// Process-wide MPI state: initialisation, finalisation, abort and the clock.
///
/// Started without `mpirun`, MPI runs as a singleton: `world.size == 1`.
public enum MPIEnvironment {
    /// Calls `MPI_Init_thread` asking for `requested`; returns what the library provides.
    ///
    /// Also makes errors on the world communicator return (`MPI_ERRORS_RETURN`)
    /// instead of aborting the job, so that they reach callers as `MPIError`.
    @discardableResult
    public static func initialize(requesting requested: ThreadLevel) throws(MPIError) -> ThreadLevel {
        var provided: Int32 = 0
        try check(MPI_Init_thread(nil, nil, requested.mpiValue, &provided), "MPI_Init_thread")
        try check(MPI_Comm_set_errhandler(cmpishim_comm_world(), cmpishim_errors_return()), "MPI_Comm_set_errhandler")
        return ThreadLevel(mpi: provided)
    }

    /// Whether `MPI_Init` has run.
    public static var isInitialized: Bool {
        var flag: Int32 = 0
        MPI_Initialized(&flag)
        return flag != 0
    }

    /// Whether `MPI_Finalize` has run.
    public static var isFinalized: Bool {
        var flag: Int32 = 0
        MPI_Finalized(&flag)
        return flag != 0
    }

    /// Calls `MPI_Finalize`. Every rank must call it once, after its last communication.
    public static func finalize() throws(MPIError) {
        try check(MPI_Finalize(), "MPI_Finalize")
    }

    /// Ends every rank of the job with `errorCode` (`MPI_Abort` on the world).
    public static func abort(errorCode: Int32) -> Never {
        MPI_Abort(cmpishim_comm_world(), errorCode)
        fatalError("MPI_Abort returned")
    }

    /// Seconds since an arbitrary point in the past (`MPI_Wtime`).
    public static func wtime() -> Double { MPI_Wtime() }

    /// The name of the node this rank runs on (`MPI_Get_processor_name`).
    public static func processorName() throws(MPIError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_PROCESSOR_NAME) + 1)
        var length: Int32 = 0
        try check(MPI_Get_processor_name(&buffer, &length), "MPI_Get_processor_name")
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
