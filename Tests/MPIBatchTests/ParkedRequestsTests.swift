import Testing
@testable import MPIBatchScheduling

@Suite struct ParkedRequestsTests {
    @Test func idleAndBusyQueuesAreFirstInFirstOut() {
        var parked = ParkedRequests(slots: 4)
        parked.park(2, chunks: 1, idle: false)
        parked.park(0, chunks: 2, idle: true)
        parked.park(3, chunks: 1, idle: false)
        parked.park(1, chunks: 1, idle: true)
        #expect(parked.count(idle: true) == 2)
        #expect(parked.count(idle: false) == 2)
        #expect(parked.next(idle: true)! == (0, 2))
        #expect(parked.next(idle: true)! == (1, 1))
        #expect(parked.next(idle: true) == nil)
        #expect(parked.next(idle: false)! == (2, 1))
    }

    @Test func aBusySlotThatEmptiesMovesToTheIdleQueueWithItsChunks() {
        var parked = ParkedRequests(slots: 2)
        parked.park(1, chunks: 1, idle: false)
        parked.park(1, chunks: 1, idle: false)
        parked.becameIdle(1)
        #expect(parked.count(idle: false) == 0)
        #expect(parked.next(idle: false) == nil)  // its old busy entry is skipped
        #expect(parked.next(idle: true)! == (1, 2))
    }

    @Test func aDroppedSlotIsSkippedAndCountsNoMore() {
        var parked = ParkedRequests(slots: 3)
        parked.park(0, chunks: 1, idle: true)
        parked.park(1, chunks: 1, idle: true)
        parked.drop(0)
        #expect(parked.count(idle: true) == 1)
        #expect(parked.next(idle: true)! == (1, 1))
        parked.park(2, chunks: 1, idle: false)
        parked.removeAll()
        #expect(parked.next(idle: false) == nil)
        #expect(parked.count(idle: false) == 0)
    }
}
