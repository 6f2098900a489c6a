import Testing
@testable import MPIBatchCore
@testable import MPIBatchScheduling

@Suite struct ImpossibleMessageTests {
    private func record(_ index: Int, rank: Int) -> TaskRecord {
        TaskRecord(index: index, attempt: 1, status: .ok, rank: rank, slot: 0, start: 0, seconds: 0.001, value: .none, error: nil)
    }

    private func warnings(_ actions: [CoordinatorAction]) -> [String] {
        actions.compactMap { if case .effect(.warn(let text)) = $0 { text } else { nil } }
    }

    /// What a release build does with a message the protocol rules out: ignores it, counts
    /// it, and warns about the first of its kind (a debug build traps instead: see below).
    @Test func anImpossibleMessageIsIgnoredCountedAndWarnedAbout() {
        var coordinator = Coordinator(
            taskCount: 100, retries: 0, failFast: false, policy: .dynamic, slotsPerRank: [1, 1], reducer: nil)
        coordinator.impossibleMessages.traps = false
        let noSuchSlot = coordinator.handle(.request(slot: 3, chunks: 1), from: 1)
        #expect(noSuchSlot.count == 1 && warnings(noSuchSlot).first?.contains("slot 3 of 1") == true)
        let workerBound = coordinator.handle(.stop(graceSeconds: 1), from: 1)
        #expect(warnings(workerBound).first?.contains("a message for workers") == true)
        let notHeld = coordinator.handle(.results(slot: 0, records: [record(7, rank: 0)], wantsMore: false), from: 0)
        #expect(notHeld.count == 1 && warnings(notHeld).first?.contains("task 7") == true)
        #expect(coordinator.succeeded == 0)

        let assigned = coordinator.handle(.request(slot: 0, chunks: 1), from: 1)
        guard case .send(.assign(_, let chunk), 1)? = assigned.first else {
            Issue.record("no assignment: \(assigned)")
            return
        }
        _ = coordinator.handle(.done(RankReport(host: "b", cpuSeconds: 0)), from: 1)
        let late = (chunk.start..<chunk.end).map { record($0, rank: 1) }
        let afterDone = coordinator.handle(.results(slot: 0, records: late, wantsMore: true), from: 1)
        #expect(warnings(afterDone).first?.contains("had said done") == true && afterDone.count == 1)
        // The second of a kind is counted, not warned about again.
        #expect(coordinator.handle(.done(RankReport(host: "b", cpuSeconds: 0)), from: 1).isEmpty)
        #expect(coordinator.handle(.request(slot: 0, chunks: 1), from: 1).isEmpty)
        #expect(coordinator.impossibleMessages.count == 6 && coordinator.succeeded == 0)
        // A heartbeat after `done` is possible (the rank's heartbeat thread ends after it).
        #expect(coordinator.handle(.heartbeat(host: "b"), from: 1).isEmpty && coordinator.impossibleMessages.count == 6)
    }

    #if DEBUG
    /// A debug build stops at the first impossible message.
    @Test func anImpossibleMessageTrapsInADebugBuild() async {
        await #expect(processExitsWith: .failure) {
            var coordinator = Coordinator(
                taskCount: 10, retries: 0, failFast: false, policy: .dynamic, slotsPerRank: [1], reducer: nil)
            _ = coordinator.handle(.cancel(0..<1, byUser: false), from: 0)
        }
    }
    #endif
}
