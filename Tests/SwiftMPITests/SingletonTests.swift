import Testing
@testable import SwiftMPI

/// SwiftMPI as a singleton (no mpirun: one rank). MPI can be initialised once per
/// process, so everything runs in one test.
@Suite struct SingletonTests {
    @Test func everyCallWorksOnOneRank() throws {
        let provided = try MPIEnvironment.initialize(requesting: .serialized)
        #expect(provided >= .serialized)
        #expect(MPIEnvironment.isInitialized)
        let world = try Communicator.world()
        #expect(world.rank == 0 && world.size == 1)

        let node = try world.splitSharedMemory()
        #expect(node.size == 1)
        try node.free()

        let receive = try world.irecv(capacity: 64, from: 0, tag: 3)
        let send = try world.isend([1, 2, 3], to: 0, tag: 3)
        try send.wait()
        try receive.wait()
        #expect(receive.received == [1, 2, 3])

        try world.send([9, 8], to: 0, tag: 4)
        let probed = try #require(try world.iprobe(tag: 4))
        #expect(probed == ProbedMessage(source: 0, tag: 4, count: 2))
        #expect(try world.receive(probed) == [9, 8])
        #expect(try world.iprobe() == nil)

        #expect(try world.allreduce(Int64(21), .sum) == 21)
        #expect(try world.allreduce(2.5, .max) == 2.5)
        #expect(try world.allgather(Int64(7)) == [7])
        #expect(try world.gather(UInt64(5)) == [5])
        #expect(try world.gatherv([4, 5, 6]) == [[4, 5, 6]])
        #expect(try world.broadcast([1, 1, 2]) == [1, 1, 2])
        try world.barrier()
        let before = MPIEnvironment.wtime()
        #expect(MPIEnvironment.wtime() >= before)
        #expect(!(try MPIEnvironment.processorName()).isEmpty)

        #expect(throws: MPIError.self) { try world.send([1], to: 5, tag: 1) }  // no rank 5
        try MPIEnvironment.finalize()
        #expect(MPIEnvironment.isFinalized)
    }
}
