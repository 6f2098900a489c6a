import Foundation
import Synchronization
import Testing
@testable import MPIBatchCore
@testable import MPIBatchPlan
@testable import MPIBatchReporting
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// Multi-core tasks: the per-rank core pool, the check against slots, the core-seconds.
@Suite struct CoresTests {
    @Test func poolServesFirstComeFirstServedAndNeverOverflows() async {
        let pool = CorePool(size: 2)
        let order = Order()
        await pool.acquire(1)
        // A wide task queues behind the running narrow one; a narrow one arriving later waits behind it.
        async let wide: Void = { await pool.acquire(2); order.add("wide") }()
        await until { pool.waiting == 1 }
        async let narrow: Void = { await pool.acquire(1); order.add("narrow") }()
        await until { pool.waiting == 2 }
        #expect(order.names.isEmpty)  // one token is free, but the wide task is first in line
        pool.release(1)
        await wide
        #expect(order.names == ["wide"])
        pool.release(2)
        await narrow
        #expect(order.names == ["wide", "narrow"])
        pool.release(1)
    }

    @Test func aTaskWiderThanARankIsRefusedNamingIt() {
        #expect(CoreFit.problem(widest: (2, "j.yaml:3:10"), slotsPerRank: [2, 2]) == nil)
        #expect(CoreFit.problem(widest: (1, ""), slotsPerRank: [1]) == nil)
        #expect(CoreFit.problem(widest: (4, "j.yaml:3:10"), slotsPerRank: [4, 2, 3])
            == "j.yaml:3:10: a task of cores: 4 needs 4 slots of one rank, but rank 1 has 2; "
                + "run with --slots 4 or more (fewer ranks per node), or ask for fewer cores")
    }

    @Test func taskSecondsCountCoreSeconds() {
        var statistics = RunStatistics(slotsPerRank: [2], retries: { _ in 0 }, cores: { $0 == 0 ? 2 : 1 })
        statistics.add([
            TaskRecord(index: 0, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 1.5, value: .none, error: nil),
            TaskRecord(index: 1, attempt: 1, status: .ok, rank: 0, slot: 1, start: 0, seconds: 1, value: .none, error: nil),
        ])
        #expect(statistics.taskSeconds == 4)
    }

    @Test func planShowsCoresAndTypes() throws {
        let path = writeJobFile("sweep: {grid: {c: [1, 2], n: {range: [0, 3, 1]}}}\ntask: {kernel: noop, cores: \"{c}\"}\n")
        let lines = JobValidation.plan(path: path, kernels: KernelCatalog.builtIn).output
        #expect(lines.contains("  c (integer): [1, 2]"))
        #expect(lines.contains("  n (integer): range 0..<3 step 1 (3 values)"))
        #expect(lines.contains { $0.hasPrefix("cores: from 'c', up to 2") })
    }
}

/// Returns once `condition` holds, letting other tasks run meanwhile (no time is guessed).
private func until(_ condition: () -> Bool) async {
    while !condition() { await Task.yield() }
}

/// Who got their cores, in order.
private final class Order: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ name: String) { list.withLock { $0.append(name) } }
    var names: [String] { list.withLock { $0 } }
}

/// `--bind cores`: the rank's CPUs as the pool's tokens.
@Suite struct BoundCoresTests {
    @Test func tasksTakeContiguousCPUsOfTheirOwn() async {
        let pool = CorePool(cpus: [4, 5, 6, 7])
        let a = await pool.acquire(1)
        let b = await pool.acquire(2)
        #expect(a == [4] && b == [5, 6])
        pool.release(1, cpus: a)
        let c = await pool.acquire(2)  // 4 and 7 are free but not contiguous: the first free ones
        #expect(c == [4, 7])
        pool.release(2, cpus: b)
        let d = await pool.acquire(2)
        #expect(d == [5, 6])
        #expect(Set(c).isDisjoint(with: d))
    }

    @Test func ranksSharingAMaskTakeTheirShare() {
        #expect(CoreBinding.share(of: [0, 1, 2, 3], position: 1, sharers: 2, shared: true) == [2, 3])
        #expect(CoreBinding.share(of: [0, 1, 2, 3], position: 1, sharers: 2, shared: false) == [0, 1, 2, 3])
        #expect(CoreBinding.share(of: [0, 1], position: 2, sharers: 3, shared: true) == [1])
        #expect(CoreBinding.text([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
        #expect(CoreBinding.fingerprint([0, 1]) != CoreBinding.fingerprint([1, 0]))
    }
}
