import Foundation
import Testing
@testable import MPIBatchJob
@testable import MPIBatchReporting
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// `limits:` and `uses:`: parsing, the hostile inputs, the leases, and whole runs over the
/// in-memory transport (no mpirun).
@Suite struct NamedLimitsTests {
    private static let twoLimits = "limits: {db: 2, licence: 1}\n"

    @Test func limitsAndUsesParseAsListsOrMappings() throws {
        let (job, graph) = try loadStageGraph(Self.twoLimits + """
            stages:
              - name: load
                kernel: noop
                uses: [db]
              - name: solve
                kernel: noop
                uses: {db: 2, licence: 1}
              - name: free
                kernel: noop
            """)
        #expect(job.limits.limits.map(\.name) == ["db", "licence"])
        #expect(job.limits.limits.map(\.capacity) == [2, 1])
        #expect(graph.stages[0].taskSpec?.uses.uses.map(\.units) == [1])
        #expect(graph.stages[1].taskSpec?.uses.description == "db 2, licence 1")
        #expect(graph.stages[1].taskSpec?.uses.mostAtOnce == 1)
        #expect(graph.stages[2].taskSpec?.uses.isEmpty == true)
        #expect(graph.usesLimits)
    }

    @Test(arguments: [
        ("limits: {db: -2}\ntask: {kernel: noop}\n", "1:14: limit 'db' must be a whole number ≥ 1, not -2"),
        ("limits: {db: 1.5}\ntask: {kernel: noop}\n", "1:14: limit 'db' must be a whole number ≥ 1, not '1.5'"),
        ("limits: {db: 0}\ntask: {kernel: noop}\n", "1:14: limit 'db' must be a whole number ≥ 1, not 0"),
        ("limits: {db: 2}\ntask: {kernel: noop, uses: {db: -1}}\n", "2:33: uses 'db' must be a whole number ≥ 1, not -1"),
        ("limits: {db: 2}\ntask: {kernel: noop, uses: {db: two}}\n", "2:33: uses 'db' must be a whole number ≥ 1, not 'two'"),
        ("limits: {db: 2}\ntask: {kernel: noop, uses: [dbb]}\n",
         "2:29: unknown limit 'dbb' (the job's limits: db) (did you mean 'db'?)"),
        ("task: {kernel: noop, uses: [db]}\n",
         "1:29: unknown limit 'db' (the job declares no limits: (add limits: {db: N} at the top level))"),
        ("limits: {db: 2}\ntask: {kernel: noop, uses: {db: 3}}\n",
         "2:33: uses 3 of limit 'db', which has 2 ("),
        ("limits: {db: 2}\ntask: {kernel: noop, uses: [db, db]}\n",
         "2:33: limit 'db' is named twice; give its units once, as uses: {db: N}"),
        ("limits: {db: 2}\ntask: {kernel: noop, uses: db}\n",
         "2:28: uses must be a list of limit names ([db]) or a mapping of names to units ({db: 2})"),
    ])
    func badLimitsAreExit2AtTheirPlace(text: String, message: String) {
        let problems = jobProblems(text)
        #expect(problems.contains { $0.hasPrefix(message) }, "\(problems)")
    }

    @Test func leasesCoverAChunkAndGoBackWhenTheSlotIsEmpty() {
        let db = LimitUses(uses: [.init(limit: 0, name: "db", units: 1, capacity: 2)])
        let both = LimitUses(uses: [.init(limit: 0, name: "db", units: 2, capacity: 2)])
        var leases = LimitLeases()
        let taken1 = leases.acquire(db, slot: 0)
        #expect(taken1)
        let taken2 = leases.acquire(db, slot: 0)  // its lease covers another chunk: nothing more taken
        #expect(taken2)
        #expect(leases.leased(0) == 1)
        let taken3 = leases.acquire(db, slot: 1)
        #expect(taken3)
        #expect(!leases.admits(db, slot: 2))
        let taken4 = leases.acquire(db, slot: 2)
        #expect(!taken4)
        let taken5 = leases.acquire(both, slot: 0)  // one more unit for slot 0: none free
        #expect(!taken5)
        let taken6 = leases.acquire(.none, slot: 2)  // an unlimited chunk always goes
        #expect(taken6)
        leases.release(slot: 1)
        let taken7 = leases.acquire(both, slot: 0)  // slot 0 grows its lease to 2
        #expect(taken7)
        #expect(leases.leased(0) == 2)
        leases.release(slot: 0)
        #expect(leases.leased(0) == 0)
        #expect(leases.peak["db"] == 2)
    }

    @Test func aLimitedStageRunsAtMostItsLimitWhileTheRestGoesOn() async throws {
        let lines = try await runStages("""
            limits: {db: 2}
            stages:
              - name: load
                sweep: {grid: {i: {range: [0, 12, 1]}}}
                task: {kernel: sleep, args: {ms: 40}, uses: [db]}
              - name: other
                sweep: {grid: {j: {range: [0, 20, 1]}}}
                task: {kernel: sleep, args: {ms: 40}}
            """)
        #expect(lines.count == 32)
        let load = lines.filter { stage($0) == "load" }
        #expect(peakOverlap(load) == 2)
        #expect(overlapping(lines.filter { stage($0) == "other" }, with: load) > 0)
    }

    @Test func retriesOfLimitedTasksStayWithinTheLimit() async throws {
        let lines = try await runStages("""
            limits: {db: 1}
            stages:
              - name: load
                sweep: {grid: {i: {range: [0, 8, 1]}}}
                task: {kernel: fail, args: {when: "1,2,5", ms: 20}, retries: 2, uses: [db]}
              - name: other
                sweep: {grid: {j: {range: [0, 8, 1]}}}
                task: {kernel: sleep, args: {ms: 10}}
            """)
        let load = lines.filter { stage($0) == "load" }
        #expect(load.count == 8 + 3 * 2)
        #expect(peakOverlap(load) == 1)
    }

    @Test func aSweepWhoseTasksUseALimitRunsAtMostThatMany() async throws {
        let (job, sweep) = try loadSweep("""
            limits: {licence: 3}
            sweep: {grid: {i: {range: [0, 24, 1]}}}
            task: {kernel: sleep, args: {ms: 20}, uses: [licence]}
            """)
        let workload = try SweepWorkload(sweep: sweep, jobSeed: job.seed)
        #expect(workload.usesLimits)
        let (summary, lines) = try await runInMemory(workload, ranks: 2, slots: 4)
        #expect(summary.tasksSucceeded == 24)
        #expect(peakOverlap(lines) == 3)
        #expect(summary.extraLines.contains("limit licence: at most 3 of its 3 units leased at once (in use: at most that)"))
    }

    private func runStages(_ yaml: String) async throws -> [[String: Any]] {
        let (job, graph) = try loadStageGraph(yaml)
        let workload = try StageGraphWorkload(
            graph: graph, jobSeed: job.seed, kernels: KernelCatalog.builtIn, outputDirectory: makeJobTestDirectory())
        return try await runInMemory(workload, ranks: 2, slots: 4).1
    }

    private func stage(_ line: [String: Any]) -> String { (line["params"] as? [String: Any])?["stage"] as? String ?? "" }
}

/// The most of `lines` (journal lines) running at once, from their start times and durations.
func peakOverlap(_ lines: [[String: Any]]) -> Int {
    var events: [(time: Double, change: Int)] = []
    for line in lines {
        let start = line["started_at"] as! Double
        events += [(start, 1), (start + (line["seconds"] as! Double), -1)]
    }
    var running = 0
    var peak = 0
    for event in events.sorted(by: { ($0.time, $0.change) < ($1.time, $1.change) }) {
        running += event.change
        peak = max(peak, running)
    }
    return peak
}

/// How many of `lines` started while some of `others` ran.
func overlapping(_ lines: [[String: Any]], with others: [[String: Any]]) -> Int {
    lines.filter { line in
        let start = line["started_at"] as! Double
        return others.contains { other in
            let otherStart = other["started_at"] as! Double
            return otherStart <= start && start < otherStart + (other["seconds"] as! Double)
        }
    }.count
}
