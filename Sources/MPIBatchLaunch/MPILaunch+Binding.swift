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
}
