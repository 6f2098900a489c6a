import Synchronization
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchScheduling

/// Rank 0's leases of named limits, driven message by message: a slot leases units with
/// its chunk, keeps them while it has work in hand, gives them back when it has none; a
/// slot that cannot lease waits and is served when units come back; a lost rank's units
/// come back with its tasks.
@Suite struct LimitLeaseCoordinatorTests {
    private static let db = LimitUses(uses: [.init(limit: 0, name: "db", units: 1, capacity: 1)])

    private func coordinator(tasks: Int, slotsPerRank: [Int], retries: Int = 0) -> Coordinator {
        Coordinator(
            source: IndexDispenser(policy: .dynamic, taskCount: tasks, totalSlots: slotsPerRank.reduce(0, +)),
            retries: { _ in retries }, failFast: false, slotsPerRank: slotsPerRank, reducer: nil,
            limitUses: { _ in Self.db })
    }

    private func assigned(_ actions: [CoordinatorAction]) -> [(rank: Int, chunk: Chunk)] {
        actions.compactMap { if case .send(.assign(_, let chunk), let rank) = $0 { (rank, chunk) } else { nil } }
    }

    private func done(_ chunk: Chunk, rank: Int, status: TaskStatus = .ok) -> RuntimeMessage {
        .results(
            slot: 0,
            records: (chunk.start..<chunk.end).map {
                TaskRecord(
                    index: $0, attempt: chunk.attempt, status: status, rank: rank, slot: 0, start: 0, seconds: 0.01,
                    value: .none, error: status == .ok ? nil : "boom")
            }, wantsMore: true)
    }

    @Test func aSecondSlotWaitsForTheUnitThenTakesIt() {
        var coordinator = coordinator(tasks: 1000, slotsPerRank: [1, 1])  // dynamic: chunks of 8
        let first = assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: 0))
        #expect(first.map(\.rank) == [0, 0])  // rank 0's slot holds the unit for both its chunks
        #expect(assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: 1)).isEmpty)
        #expect(coordinator.leases.leased(0) == 1)
        // Rank 0 finishes its first chunk: it still holds the second, and the unit.
        let more = assigned(coordinator.handle(done(first[0].chunk, rank: 0), from: 0))
        #expect(more.allSatisfy { $0.rank == 0 })
        #expect(coordinator.leases.leased(0) == 1)
    }

    @Test func theUnitGoesToTheWaitingSlotWhenTheHolderHasNothingInHand() {
        var coordinator = coordinator(tasks: 2, slotsPerRank: [1, 1])
        let first = assigned(coordinator.handle(.request(slot: 0, chunks: 1), from: 0))
        #expect(assigned(coordinator.handle(.request(slot: 0, chunks: 1), from: 1)).isEmpty)
        let results = RuntimeMessage.results(
            slot: 0,
            records: [TaskRecord(index: first[0].chunk.start, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 0.01, value: .none, error: nil)],
            wantsMore: false)
        let handedOn = assigned(coordinator.handle(results, from: 0))
        #expect(handedOn.map(\.rank) == [1])
        #expect(coordinator.leases.leased(0) == 1 && coordinator.leases.peak["db"] == 1)
    }

    @Test func aRetryIsLeasedByTheSlotThatTakesIt() {
        var coordinator = coordinator(tasks: 1, slotsPerRank: [1, 1], retries: 1)
        let first = assigned(coordinator.handle(.request(slot: 0, chunks: 1), from: 0))
        #expect(assigned(coordinator.handle(.request(slot: 0, chunks: 1), from: 1)).isEmpty)
        let failed = RuntimeMessage.results(
            slot: 0,
            records: [TaskRecord(index: 0, attempt: 1, status: .failed, rank: 0, slot: 0, start: 0, seconds: 0.01, value: .none, error: "boom")],
            wantsMore: false)
        let retry = assigned(coordinator.handle(failed, from: 0))
        #expect(retry.map(\.rank) == [1] && retry.first?.chunk.attempt == 2 && first.count == 1)
        #expect(coordinator.leases.leased(0) == 1)
    }

    @Test func aLostRankGivesItsUnitsBack() {
        var coordinator = coordinator(tasks: 4, slotsPerRank: [1, 1])
        _ = coordinator.handle(.heartbeat(host: "a"), from: 0)
        _ = coordinator.handle(.heartbeat(host: "b"), from: 1)
        #expect(assigned(coordinator.handle(.request(slot: 0, chunks: 1), from: 1)).count == 1)
        #expect(assigned(coordinator.handle(.request(slot: 0, chunks: 1), from: 0)).isEmpty)
        _ = coordinator.abandon(ranks: [1], silentFor: 10)
        #expect(coordinator.leases.leased(0) == 0)
    }

    @Test func aSaturatedLimitCostsAMessageNoWorkPerWaitingSlot() {
        let asked = Mutex(0)
        var coordinator = Coordinator(
            source: IndexDispenser(policy: .dynamic, taskCount: 100_000, totalSlots: 200), retries: { _ in 0 },
            failFast: false, slotsPerRank: [200], reducer: nil,
            limitUses: { _ in
                asked.withLock { $0 += 1 }
                return Self.db
            })
        var first: [(rank: Int, chunk: Chunk)] = []
        for slot in 0..<200 { first += assigned(coordinator.handle(.request(slot: slot, chunks: 1), from: 0)) }
        #expect(first.count == 1)  // one unit: one slot works, 199 wait
        let holder = first[0].chunk
        asked.withLock { $0 = 0 }
        let partial = RuntimeMessage.results(
            slot: 0,
            records: [TaskRecord(index: holder.start, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 0.01, value: .none, error: nil)],
            wantsMore: false)
        #expect(assigned(coordinator.handle(partial, from: 0)).isEmpty)
        #expect(asked.withLock { $0 } <= 2)  // not one look per waiting slot
    }
}
