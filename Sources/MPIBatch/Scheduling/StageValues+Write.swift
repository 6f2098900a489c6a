extension StageValues {
    /// Writes `stage`'s value from its tasks' `values` (by local index): an inline stage's one
    /// task's value, a fan-out stage's array of its tasks' values, or a Monte Carlo stage's
    /// estimate, its blocks merged in block order (so it is the same whatever ran them).
    public func write(_ values: [TaskValue], of stage: StageGraph.Stage) throws(OutputError) {
        var json = JSONWriter()
        switch stage.body {
        case .tasks(_, fansOut: true):
            json.beginArray()
            for value in values { value.write(to: &json) }
            json.endArray()
        case .tasks(_, fansOut: false):
            (values.first ?? .none).write(to: &json)
        case .monteCarlo:
            var total = MonteCarloAccumulator()
            for block in values.compactMap({ MonteCarloAccumulator($0) }) { total.merge(block) }
            json.value(MonteCarloEstimate(total).mean)
        }
        json.newline()
        try OutputFile.makeDirectory(stageDirectory(stage.name))
        try OutputFile.replace(stageDirectory(stage.name) + "/value.json", with: json.bytes)
    }
}
