import Foundation
import MPIBatchCore
import MPIBatchRuntime
import MPIBatchWorkloads

/// Open MPI's default binding, widened where it would crowd a rank's tasks. `mpirun` binds
/// each rank to one core at np ≤ 2 (to a socket above) unless told otherwise, which suits an
/// MPI program's one thread but not a rank that runs several tasks at once: `mpirun -np 1`
/// on a node of 64 cores ran 64 slots on one core. When Open MPI bound this rank by its
/// default (`OMPI_MCA_orte_bound_at_launch` without a `--bind-to` of the user's,
/// `OMPI_MCA_hwloc_base_binding_policy`) to fewer CPUs than the rank has slots, the rank
/// runs on its share of the CPUs its launcher may use (the parent's mask, divided among the
/// node's ranks by place as `--bind cores` divides it) — before anything else starts, so
/// its threads, workers and tasks inherit it. A user's `--bind-to`, srun's binding or a
/// rank whose CPUs suffice are kept (rank 0 warns when they crowd it: `crowdedSlotsWarning`).
enum DefaultBinding {
    /// The CPUs a rank with `environment` should run on instead of its mask `mask`, given
    /// its launcher's mask `launcherMask` and its slots when its node has a given number of
    /// ranks (`slotsOfRank`); nil to keep the binding.
    static func widened(
        environment: [String: String], slotsOfRank: (_ ranksOnNode: Int) -> Int, mask: [Int], launcherMask: [Int]
    ) -> [Int]? {
        guard environment["OMPI_MCA_orte_bound_at_launch"] == "1", environment["OMPI_MCA_hwloc_base_binding_policy"] == nil,
            let place = environment["OMPI_COMM_WORLD_LOCAL_RANK"].flatMap({ Int($0) }),
            let ranks = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap({ Int($0) }),
            ranks >= 1, (0..<ranks).contains(place), !mask.isEmpty
        else { return nil }
        let slots = slotsOfRank(ranks)
        let share = CoreBinding.share(of: launcherMask, position: place, sharers: ranks, shared: true)
        return mask.count < slots && share.count > mask.count ? share : nil
    }

    /// Widens this process's binding when `widened` says to, from the process's environment,
    /// its own mask and its parent's (mpirun's, or its daemon's on another node), for the
    /// slots the user asked for (`requestedSlots`, nil for the default).
    static func apply(requestedSlots: Int?) {
        guard let mask = Platform.allowedCPUs(), let launcherMask = Platform.allowedCPUs(of: getppid()),
            let wider = widened(
                environment: ProcessInfo.processInfo.environment,
                slotsOfRank: { MPILaunch.slotsOfRank(requested: requestedSlots, ranksOnNode: $0) },
                mask: mask, launcherMask: launcherMask)
        else { return }
        // A failure leaves the launcher's binding, which rank 0's crowded-slots warning then names.
        _ = Platform.confineProcess(to: wider)
    }
}
