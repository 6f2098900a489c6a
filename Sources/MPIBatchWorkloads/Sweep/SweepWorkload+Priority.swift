import MPIBatchJob
import MPIBatchScheduling

extension SweepWorkload {
    /// The sweep's chunks: in index order, or highest priority first when `priority:` names a
    /// parameter (a constant priority orders nothing within one sweep).
    public func makeWorkSource(policy: ChunkPolicy, totalSlots: Int) -> any WorkSource {
        guard case .parameter(let number) = sweep.task.priority else {
            return IndexDispenser(policy: policy, taskCount: taskCount, totalSlots: totalSlots)
        }
        return PriorityOrderSource(space: sweep.space, parameter: number, policy: policy, totalSlots: totalSlots)
    }
}
