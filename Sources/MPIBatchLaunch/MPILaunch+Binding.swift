import MPIBatchCore
import MPIBatchRuntime
import MPIBatchWorkloads
import SwiftMPI

extension MPILaunch {
    /// `--bind cores`: this rank's CPUs, its affinity mask or, when the ranks of its node
    /// (`node`) all have the same mask, its share of it (`CoreBinding`). A system without
    /// CPU affinity pins nothing, and says so once.
    static func nodeShareOfCPUs(_ node: any RankGroup) throws -> [Int]? {
        guard let mask = Platform.allowedCPUs(), !mask.isEmpty else {
            if node.rank == 0 { Diagnostics.warning("--bind cores: this system offers no CPU affinity; tasks are not pinned") }
            return nil
        }
        let fingerprints = try node.allgather(CoreBinding.fingerprint(mask))
        return CoreBinding.share(of: mask, position: node.rank, sharers: node.size, shared: Set(fingerprints).count == 1)
    }

    /// What rank 0 says when its slots outnumber the CPUs it may run on (its affinity mask)
    /// and nobody asked for that many (`requested`, `--slots`): its tasks would share those
    /// CPUs. `mpirun` binds each rank to a core when np ≤ 2 and to a socket above, while a
    /// rank's slots default to the node's cores ÷ its ranks: `mpirun -np 1` on a node of
    /// 64 cores ran 64 slots on one core. Nil when there is nothing to say.
    static func crowdedSlotsWarning(slots: Int, requested: Int?, allowedCPUs: [Int]?) -> String? {
        guard requested == nil, let cpus = allowedCPUs, !cpus.isEmpty, cpus.count < slots else { return nil }
        return "rank 0 may run only on CPU \(CoreBinding.text(cpus)) (its affinity, as the launcher bound it) but has "
            + "\(slots) slots: its tasks share \(cpus.count == 1 ? "that CPU" : "those \(cpus.count) CPUs"). mpirun binds "
            + "each rank to a core at np <= 2 and to a socket above: launch with `mpirun --bind-to none`, or give "
            + "--slots \(cpus.count)"
    }
}
