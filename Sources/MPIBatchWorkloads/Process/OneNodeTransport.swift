#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Open MPI's shared-memory path for a job whose ranks all share one node, chosen before MPI
/// starts. Left to choose, Open MPI 4.1's `MPI_Init` probes its network libraries (UCX,
/// libfabric) for a point-to-point layer, about 0.2 s of every rank's start on a machine
/// that has none (`bench/README.md`), although ranks on one node talk through shared memory
/// whatever it picks. So when mpirun says every rank of the job is on this node
/// (`OMPI_COMM_WORLD_LOCAL_SIZE` equals `OMPI_COMM_WORLD_SIZE`) and nobody chose the layer
/// (`OMPI_MCA_pml`, which `mpirun --mca pml X` also sets), mpibatch sets `OMPI_MCA_pml=ob1`
/// for its own ranks. A job over several nodes, another launcher, or a user's choice is
/// left alone, and tasks and workers never inherit the choice: an MPI program run as a task
/// picks its own layer, as it would from a shell.
package enum OneNodeTransport {
    /// The variables `chosen(for:)` set in this process; empty until `apply` sets some.
    private static let applied = Mutex<Set<String>>([])

    /// The variables to set for a rank whose environment is `environment`: Open MPI's
    /// point-to-point layer when its job is on one node and nobody chose one; else none.
    package static func chosen(for environment: [String: String]) -> [String: String] {
        guard let size = environment["OMPI_COMM_WORLD_SIZE"].flatMap({ Int($0) }),
            let onNode = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap({ Int($0) }),
            size >= 1, onNode == size, environment["OMPI_MCA_pml"] == nil
        else { return [:] }
        return ["OMPI_MCA_pml": "ob1"]
    }

    /// Sets `chosen(for:)` of this process's environment in it. Call it first thing, before
    /// any other thread reads the environment (setting a variable may move the environment's
    /// array) and before MPI starts; later calls set nothing new.
    package static func apply(environment: [String: String]) {
        applied.withLock { applied in
            for (name, value) in chosen(for: environment) where !applied.contains(name) {
                setenv(name, value, 1)
                applied.insert(name)
            }
        }
    }

    /// Whether `name` is a variable `apply` set, which tasks and workers do not inherit.
    package static func isChoice(_ name: String) -> Bool {
        applied.withLock { $0.contains(name) }
    }
}
