import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// `stop_when:` and `race:`: the conditions, the stage source's side, and the coordinator's.
@Suite struct EarlyStopTests {
    @Test func conditionsReadAndHold() throws {
        let residual = try StopCondition.parse(comparison: "value.residual < 1e-6").get()
        #expect(residual == .comparison(path: ["residual"], operator: .less, bound: 1e-6))
        #expect(residual.holds(status: .ok, value: .json("{\"residual\": 1e-7}")))
        #expect(!residual.holds(status: .ok, value: .json("{\"residual\": 1e-5}")))
        #expect(!residual.holds(status: .failed, value: .json("{\"residual\": 1e-7}")))
        #expect(!residual.holds(status: .ok, value: .number(0)))
        let plain = try StopCondition.parse(comparison: "value <= 3").get()
        #expect(plain.holds(status: .ok, value: .number(3)))
        #expect(plain.holds(status: .ok, value: .text("2.5")))
        #expect(!plain.holds(status: .ok, value: .number(3.5)))
        #expect(try StopCondition.parse(comparison: "value != 0").get().holds(status: .ok, value: .number(1)))
        #expect(StopCondition.succeeded.holds(status: .ok, value: .none))
        if case .success = StopCondition.parse(comparison: "residual < 1") { Issue.record("a path must start with value") }
        if case .success = StopCondition.parse(comparison: "value < x") { Issue.record("the bound must be a number") }
        if case .success = StopCondition.parse(comparison: "value") { Issue.record("a comparison needs an operator") }
    }

    @Test func badConditionsNameTheirPlace() throws {
        for (yaml, expected) in [
            ("stop_when: \"value ~ 3\"", "3:12: stop_when: no comparison"),
            ("stop_when: {status: failed}", "3:21: stop_when status 'failed'"),
            ("race: maybe", "3:7: race must be true or false"),
            ("race: true\nstop_when: {status: ok}", "4:1: race: true already stops"),
        ] {
            let text = "sweep: {grid: {i: [1, 2]}}\ntask: {kernel: noop}\n" + yaml + "\n"
            do {
                _ = try JobLoader.load(text: text, path: "job.yaml", kernels: KernelCatalog.builtIn)
                Issue.record("\(yaml) was accepted")
            } catch {
                #expect("\(error)".contains("job.yaml:" + expected), "\(error)")
            }
        }
    }

    @Test func aStageThatStopsEarlySucceedsWithTheWinnersValue() throws {
        let (_, graph) = try loadStageGraph("""
            stages:
              - name: race
                race: true
                sweep: {grid: {i: [1, 2, 3]}}
                task: {kernel: noop}
              - name: after
                after: race
                kernel: noop
            """)
        var source = StageGraphSource(graph: graph, totalSlots: 3)
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)
        #expect(source.next(forSlotOrdinal: 1) == 1..<2)
        #expect(source.next(forSlotOrdinal: 2) == 2..<3)
        source.finished(stageRecord(1, status: .ok))
        source.stopEarly(0..<3, winner: 1, value: .number(7))
        #expect(source.takeEffects().isEmpty)  // the other two are still out
        source.finished(stageRecord(0, status: .failed))
        source.finished(stageRecord(2, status: .cancelled))
        let effects = source.takeEffects()
        #expect(effects == [.storeStageValue(stage: 0, name: "race", bytes: Array("7.0\n".utf8))])
        #expect(source.next(forSlotOrdinal: 0) == nil)  // `after` waits for the value to be written
        source.stageValueStored(stage: 0, failure: nil)
        #expect(source.next(forSlotOrdinal: 0) == 3..<4)
        #expect(source.progress[0].status == .succeeded)
    }

    @Test func aStageStoppedBeforeItRunsCompletesOnRelease() throws {
        let (_, graph) = try loadStageGraph("""
            stages:
              - name: first
                kernel: noop
              - name: search
                after: first
                stop_when: {status: ok}
                sweep: {grid: {i: [1, 2, 3]}}
                task: {kernel: noop}
            """)
        var source = StageGraphSource(graph: graph, totalSlots: 2)
        source.stopEarly(1..<4, winner: 2, value: .number(5))  // a resume: it stopped in an earlier part
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)
        source.finishedAndStored(stageRecord(0))
        #expect(source.isExhausted)
        #expect(source.progress.map(\.status) == [.succeeded, .succeeded])
    }

    @Test func theCoordinatorCancelsTheRestAndTheRunSucceeds() {
        let rule = StopRule(scope: "sweep", range: 0..<100, spec: EarlyStopSpec(condition: .succeeded, race: false))
        var coordinator = Coordinator(
            source: IndexDispenser(policy: .dynamic, taskCount: 100, totalSlots: 2), retries: { _ in 1 }, failFast: false,
            slotsPerRank: [1, 1], reducer: nil, stopRules: [rule])
        _ = coordinator.handle(.request(slot: 0, chunks: 1), from: 0)
        _ = coordinator.handle(.request(slot: 0, chunks: 1), from: 1)
        let failed = TaskRecord(index: 0, attempt: 1, status: .failed, rank: 0, slot: 0, start: 0, seconds: 1, value: .none, error: "x")
        _ = coordinator.handle(.results(slot: 0, records: [failed], wantsMore: false), from: 0)  // queued for a retry
        let hit = TaskRecord(index: 1, attempt: 1, status: .ok, rank: 1, slot: 0, start: 0, seconds: 1, value: .none, error: nil)
        let actions = coordinator.handle(.results(slot: 0, records: [hit], wantsMore: true), from: 1)
        #expect(actions.contains(.send(.cancel(0..<100, byUser: false), to: 0)))
        #expect(actions.contains(.send(.cancel(0..<100, byUser: false), to: 1)))
        #expect(actions.contains(.recordEarlyStop(EarlyStop(scope: "sweep", index: 1, condition: "status: ok", race: false, seconds: 1))))
        #expect(!actions.contains { if case .send(.assign, _) = $0 { true } else { false } })
        // The queued retry of task 0 is cancelled, not run, and nothing is left: the run stops.
        #expect(coordinator.cancelled == 1)
        #expect(actions.contains(.send(.stop(graceSeconds: 30), to: 0)))
        #expect(coordinator.earlyStops.settledByStops == 99)
        #expect(coordinator.earlyStops.failuresInStoppedScopes == 0)
    }

    @Test func theCancelMessageRoundTrips() throws {
        let message = RuntimeMessage.cancel(5..<17, byUser: true)
        #expect(try RuntimeMessage(decoding: message.encoded(), from: 0) == message)
    }
}
