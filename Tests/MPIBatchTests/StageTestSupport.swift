import Foundation
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchReporting
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// The graph of a `stages:` job that must load.
func loadStageGraph(_ text: String) throws -> (JobSpec, StageGraph) {
    let job = try JobLoader.load(path: writeJobFile(text), kernels: KernelCatalog.builtIn)
    guard case .stages(let graph) = job.body else { throw SweepWorkloadError.notASweep(job: job.name) }
    return (job, graph)
}

/// A `stages:` job of inline kernel stages: `(name, after, extra keys)`, e.g. `("b", ["a"], "exclusive: true")`.
func stagesYAML(_ stages: [(name: String, after: [String], extra: String)], kernel: String = "kernel: noop") -> String {
    var text = "name: graph\nstages:\n"
    for stage in stages {
        text += "  - name: \(stage.name)\n    \(kernel)\n"
        if !stage.after.isEmpty { text += "    after: [\(stage.after.joined(separator: ", "))]\n" }
        if !stage.extra.isEmpty { text += "    \(stage.extra)\n" }
    }
    return text
}

/// A finished final attempt of global task `index`.
func stageRecord(_ index: Int, status: TaskStatus = .ok, seconds: Double = 0.01) -> TaskRecord {
    TaskRecord(
        index: index, attempt: 1, status: status, rank: 0, slot: 0, start: 0, seconds: seconds, value: .number(Double(index)),
        error: status == .ok ? nil : "boom")
}

/// The summary as `summary.json` holds it (a stage source's fields beside the run's own), parsed.
func stageSummaryFields(_ summary: RunSummary) -> [String: Any] {
    guard let bytes = try? summary.json() else { return [:] }
    return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
}

extension StageGraphSource {
    /// `finished(record)`, then the driver's part: every stage value asked for is taken as
    /// written, so dependents are released as in a run.
    mutating func finishedAndStored(_ record: TaskRecord) {
        finished(record)
        storeAskedValues()
    }

    /// Takes the effects asked for and answers every stage-value write as done.
    mutating func storeAskedValues() {
        for case .storeStageValue(let stage, _, _) in takeEffects() { stageValueStored(stage: stage, failure: nil) }
    }
}
