import CMPI
import CMPIShim

/// A group of ranks that talk to each other (`MPI_Comm`).
///
/// `@unchecked Sendable` is safe: the value is an immutable handle plus two
/// integers read once at creation. Whether calls on it may come from several
/// threads is MPI's thread level, not Swift's, and `MPIEnvironment` reports it.
public struct Communicator: @unchecked Sendable {
    let handle: MPI_Comm
    /// This process's rank in the communicator.
    public let rank: Int
    /// The number of ranks in the communicator.
    public let size: Int

    init(handle: MPI_Comm) throws(MPIError) {
        var rank: Int32 = 0
        var size: Int32 = 0
        try check(MPI_Comm_rank(handle, &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(handle, &size), "MPI_Comm_size")
        self.handle = handle
        self.rank = Int(rank)
        self.size = Int(size)
    }

    /// Every rank of the job (`MPI_COMM_WORLD`). Needs `MPIEnvironment.initialize` first.
    public static func world() throws(MPIError) -> Communicator {
        try Communicator(handle: cmpishim_comm_world())
    }

    /// The ranks that share memory with this one, i.e. run on the same node
    /// (`MPI_Comm_split_type` with `MPI_COMM_TYPE_SHARED`). Collective.
    public func splitSharedMemory() throws(MPIError) -> Communicator {
        var node: MPI_Comm? = cmpishim_comm_null()
        try check(
            MPI_Comm_split_type(handle, Int32(MPI_COMM_TYPE_SHARED), Int32(rank), cmpishim_info_null(), &node),
            "MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)")
        return try Communicator(handle: node!)
    }

    /// Releases a communicator made by a split (`MPI_Comm_free`). Collective.
    public func free() throws(MPIError) {
        var handle: MPI_Comm? = self.handle
        try check(MPI_Comm_free(&handle), "MPI_Comm_free")
    }

    /// Blocks until every rank of the communicator has called it.
    public func barrier() throws(MPIError) {
        try check(MPI_Barrier(handle), "MPI_Barrier")
    }
}

/// What `iprobe` found waiting: who sent it, its tag and its length in bytes.
public struct ProbedMessage: Sendable, Equatable {
    /// The sending rank.
    public let source: Int
    /// The message's tag.
    public let tag: Int32
    /// The message's length in bytes.
    public let count: Int
}

/// Any rank, for `recv` and `iprobe` (`MPI_ANY_SOURCE`).
public let anySource = Int(MPI_ANY_SOURCE)
/// Any tag, for `recv` and `iprobe` (`MPI_ANY_TAG`).
public let anyTag = Int32(MPI_ANY_TAG)
