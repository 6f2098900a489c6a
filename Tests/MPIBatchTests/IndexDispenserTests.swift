import Testing
@testable import MPIBatchCore
@testable import MPIBatchScheduling

@Suite struct IndexDispenserTests {
    private func drain(_ policy: ChunkPolicy, tasks: Int, slots: Int) -> [Range<Int>] {
        var dispenser = IndexDispenser(policy: policy, taskCount: tasks, totalSlots: slots)
        var ranges: [Range<Int>] = []
        var ordinal = 0
        while !dispenser.isExhausted {
            if let range = dispenser.next(forSlotOrdinal: ordinal % slots) { ranges.append(range) }
            ordinal += 1
        }
        return ranges
    }

    @Test(arguments: ChunkPolicy.allCases)
    func everyIndexHandedOutOnceInOrder(policy: ChunkPolicy) {
        let ranges = drain(policy, tasks: 1000, slots: 3)
        #expect(ranges.flatMap { Array($0) } == Array(0..<1000))
    }

    @Test func staticIsOneBlockPerSlot() {
        #expect(drain(.static, tasks: 10, slots: 3) == [0..<3, 3..<6, 6..<10])
    }

    @Test func guidedShrinksByOneOverP() {
        let sizes = drain(.guided, tasks: 100, slots: 2).map(\.count)
        #expect(sizes.prefix(4) == [50, 25, 13, 6])
        #expect(sizes.last == 1)
    }

    @Test func autoFactorsAndEndsWithSingleTasks() {
        let sizes = drain(.auto, tasks: 1000, slots: 2).map(\.count)
        #expect(sizes.first == 250)
        #expect(zip(sizes, sizes.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(sizes.last == 1)
        #expect(sizes.count < 40)
    }

    @Test func autoFloorGrowsForTinyTasks() {
        var dispenser = IndexDispenser(policy: .auto, taskCount: 1_000_000, totalSlots: 2)
        _ = dispenser.next(forSlotOrdinal: 0)
        for index in 0..<100 {
            dispenser.finished(TaskRecord(
                index: index, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 1e-8, value: .none,
                error: nil))
        }
        var sizes: [Int] = []
        while let range = dispenser.next(forSlotOrdinal: 0) { sizes.append(range.count) }
        #expect(sizes.dropLast().allSatisfy { $0 >= 5000 })  // 50 µs of 10 ns tasks, not single tasks
        #expect(sizes.count < 1_000_000 / IndexDispenser.maximumAutoChunk + 30)  // capped chunks, then the factoring's tail
    }

    /// Rank 0's memory holds up to a chunk's records while the journal catches up: an `auto`
    /// chunk of a large job is capped, however many tasks the job has or how short they are.
    @Test func autoChunksAreCappedForLargeJobs() {
        for tasks in [1_000_000, 8_000_000] {
            var dispenser = IndexDispenser(policy: .auto, taskCount: tasks, totalSlots: 2)
            var sizes = [dispenser.next(forSlotOrdinal: 0)!.count]
            for index in 0..<100 {
                dispenser.finished(TaskRecord(
                    index: index, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 1e-9, value: .none, error: nil))
            }
            while let range = dispenser.next(forSlotOrdinal: 0) { sizes.append(range.count) }
            #expect(sizes.max() == IndexDispenser.maximumAutoChunk)
            #expect(sizes.reduce(0, +) == tasks)
        }
    }

    @Test func dynamicIsFixed() {
        let sizes = drain(.dynamic, tasks: 1280, slots: 2).map(\.count)
        #expect(Set(sizes) == [10])
    }

    @Test func lowerLimitStopsHandingOut() {
        var dispenser = IndexDispenser(policy: .guided, taskCount: 100, totalSlots: 1)
        dispenser.lowerLimit(to: 30)
        #expect(dispenser.next(forSlotOrdinal: 0) == 0..<30)
        #expect(dispenser.next(forSlotOrdinal: 0) == nil)
        #expect(dispenser.isExhausted)
    }
}
