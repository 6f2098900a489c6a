import Foundation
@testable import MPIBatch

/// A workload of `count` tasks that returns its index, failing (throwing) on `failing`
/// indices for their first `failedAttempts` attempts.
struct CountingWorkload: Workload {
    let taskCount: Int
    var retries = 0
    var failing: Set<Int> = []
    var failedAttempts = Int.max
    var sleepMicroseconds: UInt64 = 0

    func writeParameters(of index: Int, to json: inout JSONWriter) {
        json.beginObject()
        json.key("i")
        json.value(index)
        json.endObject()
    }

    func run(_ task: TaskContext) async throws -> TaskValue {
        if sleepMicroseconds > 0 { try await Task.sleep(nanoseconds: sleepMicroseconds * 1000) }
        if failing.contains(task.index), task.attempt <= failedAttempts { throw InjectedFailure(index: task.index) }
        return .number(Double(task.index))
    }
}

/// Runs `workload` on `ranks` simulated ranks in one process; returns rank 0's summary and the journal lines.
func runInMemory(
    _ workload: any Workload, ranks: Int, slots: Int = 2, policy: ChunkPolicy = .auto, failFast: Bool = false
) async throws -> (RunSummary, [[String: Any]]) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mpibatch-test-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let network = InMemoryNetwork(size: ranks)
    let configuration = RunConfiguration(
        name: "test", outputDirectory: directory, chunkPolicy: policy, failFast: failFast)
    let slotsPerRank = Array(repeating: slots, count: ranks)
    let summary = try await withThrowingTaskGroup(of: RunSummary?.self) { group in
        for endpoint in network.endpoints {
            group.addTask {
                try await BatchRun.execute(
                    workload: workload, transport: endpoint, slotsPerRank: slotsPerRank, host: "test",
                    configuration: configuration)
            }
        }
        var rankZero: RunSummary?
        for try await result in group where result != nil { rankZero = result }
        return rankZero!
    }
    let text = try String(contentsOfFile: directory + "/results.jsonl", encoding: .utf8)
    let lines = text.split(separator: "\n").map {
        try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
    _ = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/summary.json")))
    return (summary, lines)
}
