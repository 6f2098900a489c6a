import MPIBatchJob

extension StageGraphWorkload {
    /// Whether any stage uses a named limit.
    public var usesLimits: Bool { graph.usesLimits }

    /// The `uses:` of the stage task `index` belongs to.
    public func limitUses(of index: Int) -> LimitUses {
        graph.stages[graph.locate(index).stage].taskSpec?.uses ?? .none
    }
}
