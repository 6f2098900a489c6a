import Foundation
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchLaunch
@testable import MPIBatchReporting
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// A workload of `count` tasks that returns its index, failing (throwing) on `failing`
/// indices for their first `failedAttempts` attempts.
struct CountingWorkload: Workload {
    let taskCount: Int
    var retries = 0
    var failing: Set<Int> = []
    var failedAttempts = Int.max
    var sleepMicroseconds: UInt64 = 0
    /// Tasks that run until they are cancelled (and then throw `CancellationError`).
    var runsUntilCancelled = false
    /// Counts tasks that started, for tests that act once work is under way.
    var started: StartCounter? = nil

    func writeParameters(of index: Int, to json: inout JSONWriter) {
        json.beginObject()
        json.key("i")
        json.value(index)
        json.endObject()
    }

    func run(_ task: TaskContext) async throws -> TaskValue {
        started?.add()
        if sleepMicroseconds > 0 { try await Task.sleep(nanoseconds: sleepMicroseconds * 1000) }
        if runsUntilCancelled { try await untilCancelled() }
        if failing.contains(task.index), task.attempt <= failedAttempts { throw InjectedFailure(index: task.index) }
        return .number(Double(task.index))
    }
}

/// How many tasks have started.
final class StartCounter: Sendable {
    private let count = Watched(0)

    /// One more task started.
    func add() { count.update { $0 += 1 } }

    /// Returns once at least `wanted` tasks have started.
    func wait(for wanted: Int) async {
        await count.wait { $0 >= wanted }
    }
}

/// Suspends until the calling task is cancelled, then throws `CancellationError`: what a task
/// that never ends on its own does.
func untilCancelled() async throws {
    let (never, continuation) = AsyncStream<Never>.makeStream()
    for await _ in never {}  // ends only when the task is cancelled
    continuation.finish()
    throw CancellationError()
}

/// A fresh, empty temporary directory path (not created).
func temporaryRunDirectory() -> String {
    TestScratch.path("run")
}

/// Runs `workload` on `ranks` simulated ranks in one process; returns rank 0's summary and the journal lines
/// (every file's, `results.jsonl` then the shards). Pass `directory` to keep the output (and `resume` to
/// continue a run there), `nodeOfRank` to place the ranks on nodes (a run over several writes shards);
/// `beforeRun` is called once the run directory is prepared, before any rank starts (to break a
/// shard, say), `afterRun` once every rank has ended, before the journal is read back.
func runInMemory(
    _ workload: any Workload, ranks: Int, slots: Int = 2, policy: ChunkPolicy = .auto, failFast: Bool = false,
    directory given: String? = nil, resume: Bool = false, graceSeconds: Double = 30, jobHash: String = "test",
    force: Bool = false, retryCancelled: Bool = false, ledger: NodeLedger? = nil, nodeOfRank: [Int] = [],
    interruptWhen: (@Sendable () async throws -> Void)? = nil, beforeRun: () throws -> Void = {}, afterRun: () throws -> Void = {}
) async throws -> (RunSummary, [[String: Any]]) {
    let directory = given ?? temporaryRunDirectory()
    defer { if given == nil { try? FileManager.default.removeItem(atPath: directory) } }
    let network = InMemoryNetwork(size: ranks)
    var behaviour = RunBehaviour(chunkPolicy: policy, failFast: failFast, resume: resume, force: force, graceSeconds: graceSeconds)
    behaviour.retryCancelled = retryCancelled
    let configuration = {
        var configuration = RunConfiguration(name: "test", outputDirectory: directory, behaviour: behaviour)
        configuration.ledger = ledger
        configuration.nodeOfRank = nodeOfRank
        return configuration
    }()
    let prepared = try PreparedRun.prepare(
        configuration: configuration, jobHash: jobHash, job: workload, taskCount: workload.taskCount,
        keepValues: workload.makeReducer() != nil)
    let configured = {
        var configured = configuration
        configured.shardedPart = prepared.shardedPart  // what rank 0 tells every rank
        return configured
    }()
    try beforeRun()
    let slotsPerRank = Array(repeating: slots, count: ranks)
    let summary = try await withThrowingTaskGroup(of: RunSummary?.self) { group in
        for endpoint in network.endpoints {
            group.addTask {
                try await BatchRun.execute(
                    workload: workload, transport: endpoint, slotsPerRank: slotsPerRank, host: "test",
                    configuration: configured, prepared: prepared)
            }
        }
        if let interruptWhen, ranks > 1 {
            // What a worker rank does on SIGTERM: ask the coordinator to stop.
            try await interruptWhen()
            network.endpoints[ranks - 1].send(RuntimeMessage.interrupt(reason: "interrupted: test signal").encoded(), to: 0)
        }
        var rankZero: RunSummary?
        for try await result in group where result != nil { rankZero = result }
        return rankZero!
    }
    try afterRun()
    let text = try JournalShards(directory: directory).shards.map { try String(contentsOfFile: $0.path, encoding: .utf8) }.joined()
    let lines = text.split(separator: "\n").map {
        try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
    _ = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/summary.json")))
    return (summary, lines)
}
