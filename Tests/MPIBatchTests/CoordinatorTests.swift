import Testing
@testable import MPIBatchCore
@testable import MPIBatchScheduling

@Suite struct CoordinatorTests {
    private func record(_ index: Int, rank: Int = 0, attempt: Int = 1, status: TaskStatus = .ok) -> TaskRecord {
        TaskRecord(
            index: index, attempt: attempt, status: status, rank: rank, slot: 0, start: 0, seconds: 0.001,
            value: .none, error: status == .ok ? nil : "boom")
    }

    private func assigned(_ actions: [CoordinatorAction]) -> [Chunk] {
        actions.compactMap { if case .send(.assign(_, let chunk), _) = $0 { chunk } else { nil } }
    }

    private func stops(_ actions: [CoordinatorAction]) -> [Int] {
        actions.compactMap { if case .send(.stop, let rank) = $0 { rank } else { nil } }
    }

    @Test func prefetchGivesTwoChunksThenOnePerResult() {
        var coordinator = Coordinator(
            taskCount: 100, retries: 0, failFast: false, policy: .guided, slotsPerRank: [1], reducer: nil)
        let first = assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: 0))
        #expect(first == [Chunk(start: 0, end: 100)])  // guided with one slot: all of it; the second request parks
        let after = coordinator.handle(.results(slot: 0, records: (0..<100).map { record($0) }, wantsMore: true), from: 0)
        #expect(stops(after) == [0])
    }

    @Test func stopProtocolWaitsForEveryRank() {
        var coordinator = Coordinator(
            taskCount: 2, retries: 0, failFast: false, policy: .static, slotsPerRank: [1, 1], reducer: nil)
        _ = coordinator.handle(.request(slot: 0, chunks: 2), from: 0)
        _ = coordinator.handle(.request(slot: 0, chunks: 2), from: 1)
        _ = coordinator.handle(.results(slot: 0, records: [record(0)], wantsMore: true), from: 0)
        let actions = coordinator.handle(.results(slot: 0, records: [record(1, rank: 1)], wantsMore: true), from: 1)
        #expect(stops(actions) == [0, 1])
        #expect(!coordinator.handle(.done(RankReport(host: "a", cpuSeconds: 0)), from: 1).contains(.finished))
        #expect(coordinator.handle(.done(RankReport(host: "a", cpuSeconds: 0)), from: 0) == [.finished])
        #expect(coordinator.succeeded == 2)
    }

    /// Every rank said `done` on its own (each saw mpirun end) before rank 0 stopped the run:
    /// the stop itself ends it (it used to wait for a `done` that had already come: about one
    /// double Ctrl-C under mpirun in 12 left no summary.json).
    @Test func ranksDoneBeforeTheStopEndTheRunAtTheStop() {
        var coordinator = Coordinator(
            taskCount: 10, retries: 0, failFast: false, policy: .static, slotsPerRank: [1, 1], reducer: nil)
        _ = coordinator.handle(.request(slot: 0, chunks: 2), from: 0)
        _ = coordinator.handle(.request(slot: 0, chunks: 2), from: 1)
        #expect(!coordinator.handle(.done(RankReport(host: "a", cpuSeconds: 0)), from: 0).contains(.finished))
        #expect(!coordinator.handle(.done(RankReport(host: "a", cpuSeconds: 0)), from: 1).contains(.finished))
        #expect(coordinator.interrupt(reason: "mpirun ended").contains(.finished))
    }

    @Test func failedTaskIsRetriedThenCountedOnce() {
        var coordinator = Coordinator(
            taskCount: 1, retries: 1, failFast: false, policy: .auto, slotsPerRank: [1], reducer: nil)
        _ = coordinator.handle(.request(slot: 0, chunks: 2), from: 0)
        let retry = assigned(coordinator.handle(.results(slot: 0, records: [record(0, status: .failed)], wantsMore: true), from: 0))
        #expect(retry == [Chunk(start: 0, end: 1, attempt: 2)])
        let end = coordinator.handle(
            .results(slot: 0, records: [record(0, attempt: 2, status: .timeout)], wantsMore: true), from: 0)
        #expect(stops(end) == [0])
        #expect(coordinator.failed == 1)
        #expect(coordinator.succeeded == 0)
    }

    @Test func parkedRequestIsServedByALaterRetry() {
        var coordinator = Coordinator(
            taskCount: 1, retries: 1, failFast: false, policy: .auto, slotsPerRank: [1, 1], reducer: nil)
        _ = coordinator.handle(.request(slot: 0, chunks: 1), from: 0)
        #expect(assigned(coordinator.handle(.request(slot: 0, chunks: 1), from: 1)).isEmpty)
        let actions = coordinator.handle(.results(slot: 0, records: [record(0, status: .failed)], wantsMore: false), from: 0)
        #expect(actions.contains(.send(.assign(slot: 0, chunk: Chunk(start: 0, end: 1, attempt: 2)), to: 1)))
    }

    @Test func aRetryInTheTailGoesToTheIdleSlotNotToBusyPrefetches() {
        var coordinator = Coordinator(
            taskCount: 3, retries: 1, failFast: false, policy: .dynamic, slotsPerRank: [1, 1, 1], reducer: nil)
        for rank in 0..<3 {
            // One task each; the prefetch of a second single task is held back and parked.
            #expect(assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: rank)) == [Chunk(start: rank, end: rank + 1)])
        }
        let actions = coordinator.handle(.results(slot: 0, records: [record(2, rank: 2, status: .failed)], wantsMore: false), from: 2)
        let retries = actions.compactMap { action -> Int? in
            if case .send(.assign(_, let chunk), let rank) = action, chunk.attempt == 2 { rank } else { nil }
        }
        #expect(retries == [2])  // rank 2's slot is the idle one; ranks 0 and 1 still hold a task
    }

    @Test func failFastStopsAtTheFirstFinalFailure() {
        var coordinator = Coordinator(
            taskCount: 1000, retries: 0, failFast: true, policy: .dynamic, slotsPerRank: [1], reducer: nil)
        _ = coordinator.handle(.request(slot: 0, chunks: 2), from: 0)
        let actions = coordinator.handle(.results(slot: 0, records: [record(3, status: .failed)], wantsMore: true), from: 0)
        #expect(stops(actions) == [0])
        #expect(assigned(actions).isEmpty)
        #expect(coordinator.stopReason?.contains("task 3") == true)
    }

    @Test func emptyWorkloadStopsAtOnce() {
        var coordinator = Coordinator(
            taskCount: 0, retries: 0, failFast: false, policy: .auto, slotsPerRank: [2, 2], reducer: nil)
        #expect(stops(coordinator.start()) == [0, 1])
    }

    @Test func recordsAreJournaledBeforeStopIsSent() {
        var coordinator = Coordinator(
            taskCount: 1, retries: 0, failFast: false, policy: .auto, slotsPerRank: [1], reducer: nil)
        _ = coordinator.handle(.request(slot: 0, chunks: 1), from: 0)
        let actions = coordinator.handle(.results(slot: 0, records: [record(0)], wantsMore: true), from: 0)
        guard case .record = actions.first else {
            Issue.record("first action was \(String(describing: actions.first))")
            return
        }
    }
}

@Suite struct LoweredLimitTests {
    /// Stops the run at task 5, whatever order results come in.
    private final class StopAtFive: ResultReducer {
        func accept(index: Int, value: TaskValue) -> Int? { index == 5 ? 5 : nil }
        func summaryFigures() -> SummaryFigures? { nil }
        func humanSummary() -> [String] { [] }
    }

    @Test func successesAboveALoweredLimitNoLongerCount() {
        var coordinator = Coordinator(
            taskCount: 100, retries: 0, failFast: false, policy: .static, slotsPerRank: [1], reducer: StopAtFive())
        _ = coordinator.handle(.request(slot: 0, chunks: 1), from: 0)
        let records = [7, 8, 5, 9, 6, 0, 1].map {
            TaskRecord(index: $0, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 0.01, value: .none, error: nil)
        }
        _ = coordinator.handle(.results(slot: 0, records: records, wantsMore: false), from: 0)
        #expect(coordinator.taskLimit == 5)
        #expect(coordinator.succeeded == 2)  // 0 and 1; 5–9 are above the limit
    }
}

@Suite struct TailPrefetchTests {
    @Test func aSingleTaskGoesToAnIdleSlotNotBehindBusyOne() {
        var coordinator = Coordinator(
            taskCount: 3, retries: 0, failFast: false, policy: .guided, slotsPerRank: [1, 1], reducer: nil)
        let assigned = { (actions: [CoordinatorAction]) in
            actions.compactMap { action -> (Int, Chunk)? in
                if case .send(.assign(_, let chunk), let rank) = action { (rank, chunk) } else { nil }
            }
        }
        // Rank 0 asks for two: it gets [0, 2) and the single task 2 is kept back for a slot with empty hands.
        let first = assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: 0))
        #expect(first.map(\.1) == [Chunk(start: 0, end: 2)])
        let second = assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: 1))
        #expect(second.map(\.1) == [Chunk(start: 2, end: 3)])
        #expect(second.map(\.0) == [1])
    }
}
