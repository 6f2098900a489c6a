import Testing
@testable import MPIBatchCore
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling

@Suite struct HeldChunksTests {
    @Test func aReportTrimsTheFirstChunk() {
        var held = HeldChunks()
        held.append(Chunk(start: 0, end: 4))
        held.reported(0)
        held.reported(1)
        #expect(held.takeAll() == [Chunk(start: 2, end: 4)])
        #expect(held.takeAll().isEmpty)  // taken once: forgotten
    }

    @Test func aReportInALaterChunkFinishesTheEarlierOnes() {
        var held = HeldChunks()
        held.append(Chunk(start: 0, end: 4))
        held.append(Chunk(start: 10, end: 12, attempt: 2))
        held.reported(10)
        #expect(held.takeAll() == [Chunk(start: 11, end: 12, attempt: 2)])
    }

    @Test func theLastTaskOfAChunkDropsIt() {
        var held = HeldChunks()
        held.append(Chunk(start: 5, end: 6))
        held.append(Chunk(start: 6, end: 8))
        held.reported(5)
        #expect(held.takeAll() == [Chunk(start: 6, end: 8)])
    }

    @Test func aReportOfNothingHeldKeepsNothing() {
        var held = HeldChunks()
        held.append(Chunk(start: 0, end: 2))
        held.reported(7)  // cut short by a stop, then a later index: all before it is over
        #expect(held.takeAll().isEmpty)
    }
}

/// Rank 0's side of a lost node: `Coordinator.abandon`.
@Suite struct AbandonTests {
    /// Ranks 0 and 1 on node a, ranks 2 and 3 on node b, one slot each, 40 tasks in chunks of ten (static).
    private func twoNodes() -> Coordinator {
        var coordinator = Coordinator(
            taskCount: 40, retries: 0, failFast: false, policy: .static, slotsPerRank: [1, 1, 1, 1], reducer: nil)
        for (rank, host) in ["a", "a", "b", "b"].enumerated() {
            _ = coordinator.handle(.heartbeat(host: host), from: rank)
        }
        return coordinator
    }

    private func assigned(_ actions: [CoordinatorAction]) -> [Chunk] {
        actions.compactMap { if case .send(.assign(_, let chunk), _) = $0 { chunk } else { nil } }
    }

    private func recorded(_ actions: [CoordinatorAction]) -> [TaskRecord] {
        actions.flatMap { action -> [TaskRecord] in if case .record(let records) = action { records } else { [] } }
    }

    private func ok(_ chunks: [Chunk], rank: Int) -> [TaskRecord] {
        chunks.flatMap { chunk in
            (chunk.start..<chunk.end).map {
                TaskRecord(
                    index: $0, attempt: 1, status: .ok, rank: rank, slot: 0, start: 0, seconds: 0.001, value: .none,
                    error: nil)
            }
        }
    }

    @Test func aLostRanksHeldTasksComeBackInterruptedOnceWithItsNeighbours() {
        var coordinator = twoNodes()
        var held: [[Chunk]] = []
        for rank in 0..<4 { held.append(assigned(coordinator.handle(.request(slot: 0, chunks: 2), from: rank))) }
        // Rank 2 reports its first task; the rest of what it holds, and all rank 3 holds, is lost with node b.
        let firstOfTwo = ok([Chunk(start: held[2][0].start, end: held[2][0].start + 1)], rank: 2)
        _ = coordinator.handle(.results(slot: 0, records: firstOfTwo, wantsMore: false), from: 2)

        let actions = coordinator.abandon(ranks: [2], silentFor: 6)
        let interrupted = recorded(actions)
        let expected = (held[2] + held[3]).flatMap { Array($0.start..<$0.end) }.filter { $0 != firstOfTwo[0].index }
        #expect(interrupted.map(\.index).sorted() == expected.sorted())
        #expect(interrupted.allSatisfy { $0.status == .interrupted && ($0.rank == 2 || $0.rank == 3) })
        #expect(interrupted.first?.error?.contains("on b stopped answering") == true)
        #expect(coordinator.unresponsive == [2, 3])
        #expect(coordinator.stopReason?.contains("2 (b), 3 (b)") == true)
        // The survivors are told to stop; nothing goes to the lost node.
        let stopped = actions.compactMap { if case .send(.stop, let rank) = $0 { rank } else { nil } }
        #expect(stopped == [0, 1])

        // Exactly once: giving up again, or the lost rank speaking after all, records nothing more.
        #expect(recorded(coordinator.abandon(ranks: [2, 3], silentFor: 9)).isEmpty)
        #expect(recorded(coordinator.handle(.results(slot: 0, records: ok(held[3], rank: 3), wantsMore: true), from: 3)).isEmpty)
    }

    @Test func theRunFinishesWhenTheSurvivorsAreDone() {
        var coordinator = twoNodes()
        var held: [[Chunk]] = []
        for rank in 0..<4 { held.append(assigned(coordinator.handle(.request(slot: 0, chunks: 1), from: rank))) }
        _ = coordinator.abandon(ranks: [3], silentFor: 5)
        #expect(!coordinator.isFinished)
        for rank in 0..<2 {
            let drained = coordinator.handle(.results(slot: 0, records: ok(held[rank], rank: rank), wantsMore: true), from: rank)
            #expect(assigned(drained).isEmpty)  // stopping: no new work
        }
        #expect(coordinator.handle(.done(RankReport(host: "a", cpuSeconds: 0)), from: 0).isEmpty)
        #expect(coordinator.handle(.done(RankReport(host: "a", cpuSeconds: 0)), from: 1) == [.finished])
        #expect(coordinator.isFinished)
        #expect(coordinator.succeeded == (held[0] + held[1]).reduce(0) { $0 + $1.count })
        #expect(!coordinator.interrupted)  // not a signal: the exit status says ranks were lost
    }

    @Test func aRankLostWhileStoppingAddsToTheReason() {
        var coordinator = twoNodes()
        _ = coordinator.interrupt(reason: "SIGTERM")
        for rank in 0..<2 { _ = coordinator.handle(.done(RankReport(host: "a", cpuSeconds: 0)), from: rank) }
        let actions = coordinator.abandon(ranks: [2], silentFor: 5)
        #expect(actions == [.finished])
        #expect(coordinator.stopReason?.hasPrefix("interrupted: SIGTERM; ranks 2 (b), 3 (b)") == true)
    }

    @Test func aRankThatIsDoneIsNotGivenUpOn() {
        var coordinator = twoNodes()
        _ = coordinator.interrupt(reason: "test")
        _ = coordinator.handle(.done(RankReport(host: "b", cpuSeconds: 0)), from: 3)
        _ = coordinator.abandon(ranks: [2], silentFor: 5)
        #expect(coordinator.unresponsive == [2])
    }
}

/// How long rank 0 waits, after a loss, before it aborts the job.
@Suite struct LauncherGraceTests {
    @Test func mpirunGetsTimeToNoticeTheLostNodeItself() {
        let launcher = MPILauncher.current(environment: ["OMPI_MCA_orte_hnp_uri": "1234.0;tcp://10.0.0.1:5000"])
        #expect(launcher == .mpirun)
        #expect(launcher.graceSeconds > 0)
    }

    @Test func srunIsAbortedAtOnce() {
        let launcher = MPILauncher.current(environment: ["SLURM_STEP_ID": "0", "PMIX_NAMESPACE": "slurm.pmix.3.0"])
        #expect(launcher == .other)
        #expect(launcher.graceSeconds == 0)
    }
}
