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
        // Node 0's slots (a third of the tasks): a message per 4 tasks at most (25 ms ÷ 10 ms,
        // rounded up, and one); the others' writers fewer; a heartbeat per node (node 0: per rank) and second.
        #expect(figures.messagesIn >= 400 / 4 && figures.messagesIn <= 1200 + 12 + 6 * 3)
        #expect(figures.rankZeroCPUSeconds > 0 && figures.rankZeroCoreShare < 1)
    }

    /// Node writers tell rank 0 of their slots' results once per chunk that ends (and once a
    /// heartbeat for what waits), not once per flush or task: 19 of 20 nodes' slots, one chunk
    /// each (`static`) of 200 tasks, reach rank 0 in a few hundred messages, where a message
    /// per flush (4 tasks) would be 3,800.
    @Test func writersSendPerChunkNotPerTask() throws {
        let setup = CoordinatorSimulation.Setup(
            nodes: 20, ranksPerNode: 1, slotsPerRank: 4, taskSeconds: 0.01, workSeconds: 2, policy: .static)
        let figures = try CoordinatorSimulation.run(setup)
        #expect(figures.tasks == 16_000)
        #expect(figures.messagesIn <= figures.tasks / 20, "\(figures.messagesIn) messages")
    }
}
