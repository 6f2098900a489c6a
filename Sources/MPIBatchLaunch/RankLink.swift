import MPIBatchCore
import MPIBatchRuntime
import SwiftMPI

/// How a rank reaches the run's other ranks, from the start of `MPILaunch.run` to its end:
/// over MPI when a launcher started it, or not at all when it was started alone (no
/// launcher's variable: `LaunchPlace.isAlone`). A run alone is one rank and needs no MPI,
/// whose singleton start (`MPI_Init` without `mpirun`) forks Open MPI's `orted` daemon and
/// waits for it: about 0.3 s, a third of a one-second run.
enum RankLink: Sendable {
    /// Under a launcher: MPI runs, and this is its world.
    case mpi(world: Communicator)
    /// Started alone: rank 0 of 1, MPI never started.
    case alone

    /// Starts MPI (thread level serialized, or every rank aborts), unless `environment` says
    /// the process was started alone.
    static func start(environment: [String: String]) throws -> RankLink {
        guard !LaunchPlace.isAlone(environment) else { return .alone }
        let provided = try MPIEnvironment.initialize(requesting: .serialized)
        guard provided >= .serialized else {
            // The communication thread and the ranks' own calls would race inside MPI: refuse, on every rank.
            Diagnostics.say("this MPI library provides thread level \(provided); mpibatch needs at least serialized")
            MPIEnvironment.abort(errorCode: 2)
        }
        return .mpi(world: try Communicator.world())
    }

    /// Every rank of the run.
    var world: any RankGroup {
        switch self {
        case .mpi(let world): world
        case .alone: LoneRank()
        }
    }

    /// The ranks on this rank's node (collective); `free` it when done.
    func node() throws -> any RankGroup {
        switch self {
        case .mpi(let world): try world.splitSharedMemory()
        case .alone: LoneRank()
        }
    }

    /// This rank's node name: MPI's processor name, or the host name alone (the same name).
    func host() throws -> String {
        switch self {
        case .mpi: try MPIEnvironment.processorName()
        case .alone: HostName.current()
        }
    }

    /// What the run's messages travel on: MPI, or, alone, a queue of this process's own.
    func transport() -> any Transport {
        switch self {
        case .mpi(let world): MPITransport(communicator: world)
        case .alone: InMemoryNetwork(size: 1).endpoints[0]
        }
    }

    /// Finalises MPI (every rank, once, after its last communication); nothing alone.
    func finish() throws(MPIError) {
        if case .mpi = self { try MPIEnvironment.finalize() }
    }
}
