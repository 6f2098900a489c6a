extension StageGraph.Stage {
    /// The task of a stage of tasks (inline or `task:`); nil for a `montecarlo:` stage.
    public var taskSpec: TaskSpec? {
        if case .tasks(let sweep, _) = body { return sweep.task }
        return nil
    }
}

extension StageGraph {
    /// Whether any stage's tasks use a named limit.
    public var usesLimits: Bool { stages.contains { $0.taskSpec?.uses.isEmpty == false } }
}
