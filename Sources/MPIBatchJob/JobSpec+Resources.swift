extension JobSpec {
    /// The largest `gpus:` and `memory:` of the job's tasks (a sweep's task, or any stage's), with their places.
    package var largestResources: TaskResources {
        switch body {
        case .sweep(let sweep):
            return sweep.task.resources
        case .monteCarlo:
            return .none
        case .stages(let graph):
            return graph.stages.reduce(TaskResources.none) { widest, stage in
                guard case .tasks(let sweep, _) = stage.body else { return widest }
                return widest.widened(by: sweep.task.resources)
            }
        }
    }
}
