import MPIBatchJob

extension SweepWorkload {
    /// Whether the sweep's task uses a named limit.
    public var usesLimits: Bool { !sweep.task.uses.isEmpty }

    /// The task's `uses:`, the same for every task.
    public func limitUses(of index: Int) -> LimitUses { sweep.task.uses }
}
