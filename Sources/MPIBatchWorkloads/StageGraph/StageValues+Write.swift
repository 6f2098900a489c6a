import MPIBatchCore
import MPIBatchJob
import MPIBatchPlan
import MPIBatchScheduling

extension StageValues {
    /// `stage`'s `value.json` from its tasks' `values` (by local index): an inline stage's one
    /// task's value, a fan-out stage's array of its tasks' values, a Monte Carlo stage's
    /// estimate, its blocks merged in block order (so it is the same whatever ran them), or,
    /// for a stage that stopped early (`winner`), the value of the task that stopped it.
    public static func encode(_ values: [TaskValue], of stage: StageGraph.Stage, winner: Int? = nil) -> [UInt8] {
        var json = JSONWriter()
        if let winner {
            values[winner].write(to: &json)
            json.newline()
            return json.bytes
        }
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
        return json.bytes
    }

    /// Writes `bytes` (from `encode`) as stage `name`'s `value.json`; nothing without a directory.
    public func store(_ bytes: [UInt8], of name: String) throws(OutputError) {
        guard directory != nil else { return }
        try OutputFile.makeDirectory(stageDirectory(name), runsOwn: 2)
        try OutputFile.replace(stageDirectory(name) + "/value.json", with: bytes)
    }
}
