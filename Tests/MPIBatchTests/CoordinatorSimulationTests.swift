import Testing
@testable import MPIBatchScheduling

/// The discrete-event simulation of rank 0 (`mpibatch-bench simulate`): it runs every task of
/// its setup once, keeps every slot busy, and measures something.
@Suite struct CoordinatorSimulationTests {
    @Test(arguments: [ChunkPolicy.auto, .dynamic, .static])
    func everyTaskRunsAndTheSlotsStayBusy(policy: ChunkPolicy) throws {
        let setup = CoordinatorSimulation.Setup(
            nodes: 3, ranksPerNode: 2, slotsPerRank: 2, taskSeconds: 0.01, workSeconds: 1, policy: policy)
        let figures = try CoordinatorSimulation.run(setup)
        #expect(figures.tasks == 1200)  // 12 slots × 1 s ÷ 10 ms
        #expect(figures.simulatedSeconds >= 1 && figures.efficiency > 0.85, "\(figures.simulatedSeconds) s")
        // A message per slot per 4 tasks at most (25 ms ÷ 10 ms, rounded up, and one), and a heartbeat per node (node 0: per rank) and second.
        #expect(figures.messagesIn >= 1200 / 4 && figures.messagesIn <= 1200 + 12 + 6 * 3)
        #expect(figures.rankZeroCPUSeconds > 0 && figures.rankZeroCoreShare < 1)
    }
}
