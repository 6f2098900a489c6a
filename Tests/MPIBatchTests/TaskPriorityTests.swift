import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchReporting
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// `priority:`: a sweep ordered by a parameter without being written out, stages ordered by
/// their number, and the inputs refused.
@Suite struct TaskPriorityTests {
    /// i in 0..<4 (outer), mesh 16, 64, 32 (inner): the priority axis comes last.
    private let space = IndexSpace(axes: [
        [("i", .integers(start: 0, step: 1, count: 4))], [("mesh", .list([.integer(16), .integer(64), .integer(32)]))],
    ])!

    @Test(arguments: ChunkPolicy.allCases)
    func aSweepIsHandedOutHighestFirstEachIndexOnce(policy: ChunkPolicy) {
        var source = PriorityOrderSource(space: space, parameter: 1, policy: policy, totalSlots: 1)
        var order: [Int] = []
        while let range = source.next(forSlotOrdinal: 0) { order += Array(range) }
        #expect(source.isExhausted)
        #expect(order.sorted() == Array(0..<12))
        let meshes = order.map { space.value(of: 1, at: $0).integerValue! }
        #expect(meshes == [64, 64, 64, 64, 32, 32, 32, 32, 16, 16, 16, 16])
        #expect(order.prefix(4) == [1, 4, 7, 10])  // ties in index order
        #expect(source.hasHandedOut(0) == true)
    }

    @Test func aPriorityAxisThatComesFirstKeepsItsBlocksWhole() {
        let space = IndexSpace(axes: [
            [("mesh", .list([.integer(16), .integer(64)]))], [("i", .integers(start: 0, step: 1, count: 50))],
        ])!
        var source = PriorityOrderSource(space: space, parameter: 0, policy: .guided, totalSlots: 1)
        #expect(source.next(forSlotOrdinal: 0) == 50..<100)  // guided, one slot: all of what is left, one block
        #expect(source.hasHandedOut(75) == true && source.hasHandedOut(10) == false)
        #expect(source.next(forSlotOrdinal: 0) == 0..<50)
    }

    @Test func aStopHandsOutNothingMore() {
        var source = PriorityOrderSource(space: space, parameter: 1, policy: .dynamic, totalSlots: 4)
        _ = source.next(forSlotOrdinal: 0)
        source.stopEarly(0..<12, winner: 1, value: .none)
        #expect(source.next(forSlotOrdinal: 0) == nil && source.isExhausted)
    }

    @Test func aSweepRunsItsLargestMeshesFirst() async throws {
        let (job, sweep) = try loadSweep("""
            sweep: {grid: {i: {range: [0, 3, 1]}, mesh: [16, 64, 32]}}
            task: {kernel: sleep, args: {ms: 5}, priority: "{mesh}"}
            """)
        let (summary, lines) = try await runInMemory(try SweepWorkload(sweep: sweep, jobSeed: job.seed), ranks: 1, slots: 1)
        #expect(summary.tasksSucceeded == 9)
        let started = lines.sorted { ($0["start"] as! Double) < ($1["start"] as! Double) }
        let meshes = started.map { ($0["params"] as! [String: Any])["mesh"] as! Int }
        #expect(meshes == [64, 64, 64, 32, 32, 32, 16, 16, 16])
    }

    @Test func stagesStartByPriorityThenCriticalPath() async throws {
        let (job, graph) = try loadStageGraph("""
            stages:
              - {name: low, kernel: sleep, args: {ms: 5}, priority: -1}
              - {name: plain, kernel: sleep, args: {ms: 5}}
              - {name: high, kernel: sleep, args: {ms: 5}, priority: 10}
              - {name: middle, kernel: sleep, args: {ms: 5}, priority: 2.5}
            """)
        let workload = try StageGraphWorkload(
            graph: graph, jobSeed: job.seed, kernels: KernelCatalog.builtIn, outputDirectory: makeJobTestDirectory())
        let (_, lines) = try await runInMemory(workload, ranks: 1, slots: 1)
        let started = lines.sorted { ($0["start"] as! Double) < ($1["start"] as! Double) }
        #expect(started.map { ($0["params"] as! [String: Any])["stage"] as! String } == ["high", "middle", "plain", "low"])
    }

    @Test(arguments: [
        ("sweep: {grid: {mesh: [1, 2]}}\ntask: {kernel: noop, priority: \"{mehs}\"}\n", "2:33: unknown name '{mehs}' in template \"{mehs}\" (did you mean '{mesh}'?)"),
        ("sweep: {grid: {mesh: [a, b]}}\ntask: {kernel: noop, priority: \"{mesh}\"}\n",
         "2:32: priority: parameter 'mesh' must have numbers only"),
        ("task: {kernel: noop, priority: high}\n", "1:32: priority must be a number such as 10, or one parameter"),
        ("stages:\n  - name: s\n    sweep: {grid: {x: [1, 2]}}\n    task: {kernel: noop, priority: \"{x}\"}\n",
         "4:36: a stage's priority must be a number such as 10 (it orders stages)"),
    ])
    func badPrioritiesAreExit2AtTheirPlace(text: String, message: String) {
        let problems = jobProblems(text)
        #expect(problems.contains { $0.hasPrefix(message) }, "\(problems)")
    }
}

/// `--resume` of a sweep ordered by priority: what is done is skipped, the rest keeps its order.
@Suite struct PriorityResumeTests {
    @Test func aResumedSweepKeepsItsOrderWithoutWhatIsDone() {
        let space = IndexSpace(axes: [[("mesh", .list([.integer(16), .integer(64), .integer(32)]))], [("i", .integers(start: 0, step: 1, count: 2))]])!
        let source = PriorityOrderSource(space: space, parameter: 0, policy: .dynamic, totalSlots: 1)
        // mesh 64 is indices 2, 3; 32 is 4, 5; 16 is 0, 1. Done: 3 and 4; failed before: 5.
        var resumed = source.resumed(taskCount: 6, done: IndexRanges([3, 4]), failed: IndexRanges([5]), values: [:])
        var order: [Range<Int>] = []
        while let range = resumed.next(forSlotOrdinal: 0) { order.append(range) }
        #expect(order.flatMap { Array($0) } == [2, 5, 0, 1])
        #expect(order.contains(5..<6))  // the failed task alone
    }
}
