import SwiftMPI

/// The ranks a run's start-up agrees with (`MPILaunch.run`): MPI's communicators under a
/// launcher, or this process alone (`LoneRank`).
protocol RankGroup {
    /// This process's rank in the group.
    var rank: Int { get }
    /// How many ranks the group has.
    var size: Int { get }
    /// Every rank's `value`, in rank order, on every rank.
    func allgather<T: MPIReducible>(_ value: T) throws -> [T]
    /// Every rank's bytes, in rank order, on `root`; nil on the other ranks.
    func gatherv(_ bytes: [UInt8], root: Int) throws -> [[UInt8]]?
    /// `root`'s bytes, on every rank.
    func broadcast(_ bytes: [UInt8], root: Int) throws -> [UInt8]
    /// Releases a group made by a split (collective).
    func free() throws
}

extension Communicator: RankGroup {}

/// The only rank of a run started alone, with no launcher and no MPI: its group is itself,
/// and each collective gives back what it was given.
struct LoneRank: RankGroup {
    var rank: Int { 0 }
    var size: Int { 1 }
    func allgather<T: MPIReducible>(_ value: T) -> [T] { [value] }
    func gatherv(_ bytes: [UInt8], root: Int) -> [[UInt8]]? { [bytes] }
    func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8] { bytes }
    func free() {}
}
