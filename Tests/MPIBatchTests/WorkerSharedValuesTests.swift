import Foundation
import Testing
import MPIBatchCore
@testable import MPIBatchWorkloads

/// The ring a worker leaves its blocks' float64 values in (`WorkerSharedValues`): where a
/// result may say they lie, and the count of bytes taken back that the worker reads.
@Suite struct WorkerSharedValuesTests {
    @Test func valuesLieWithinTheRingAfterTheLastBlockTaken() throws {
        let ring = try #require(WorkerSharedValues.Unreserved(bytes: 1 << 20 + 5)?.reserved())
        #expect(ring.bytes == 1 << 20)  // whole values
        let mapped = try #require(ring.values(at: 0, count: 4))
        #expect(mapped.count == 32)
        // What the worker wrote through its own mapping of the descriptor is what the rank reads.
        let other = mmap(nil, WorkerSharedValues.headerBytes + ring.bytes, PROT_READ | PROT_WRITE, MAP_SHARED, ring.fd, 0)
        let worker = try #require(other == UnsafeMutableRawPointer(bitPattern: -1) ? nil : other)
        defer { munmap(worker, WorkerSharedValues.headerBytes + ring.bytes) }
        (worker + WorkerSharedValues.headerBytes + 16).storeBytes(of: 2.5, as: Double.self)
        #expect(mapped.load(fromByteOffset: 16, as: Double.self) == 2.5)
        ring.release(at: 0, count: 4)
        #expect(worker.load(as: UInt64.self) == UInt64(32).littleEndian)
        // A block at the ring's end, then one wrapped to its start (the worker's count goes on).
        #expect(ring.values(at: (1 << 20) - 16, count: 2) != nil)
        ring.release(at: (1 << 20) - 16, count: 2)
        #expect(ring.values(at: 1 << 20, count: 4) != nil)
    }

    @Test func aPositionThatBreaksTheProtocolGivesNothing() throws {
        let ring = try #require(WorkerSharedValues.Unreserved(bytes: 1 << 20)?.reserved())
        #expect(ring.values(at: 4, count: 1) == nil)  // not a whole value's
        #expect(ring.values(at: (1 << 20) - 8, count: 2) == nil)  // past the end
        #expect(ring.values(at: 0, count: (1 << 17) + 1) == nil)  // larger than the ring
        #expect(ring.values(at: 0, count: -1) == nil)
        ring.release(at: 64, count: 8)
        #expect(ring.values(at: 64, count: 1) == nil)  // before the end of the block taken
        #expect(ring.values(at: 128, count: 1) != nil)
    }

    @Test func noRingWhenTheSystemCannotReserveIt() throws {
        // A petabyte: the pages cannot be reserved, so no ring (its values go by the socket).
        let memory = try #require(WorkerSharedValues.Unreserved(bytes: 1 << 50))
        #expect(memory.reserved() == nil)
        var info = stat()
        #expect(fstat(memory.fd, &info) == 0 && info.st_size == 0)  // emptied: a worker spawned with it holds nothing
        #expect(WorkerSharedValues.Unreserved(bytes: 7) == nil)
    }

    /// The ring goes to the worker as descriptor 5 before its pages are reserved (the spawn
    /// does not wait for them); after its first frame (a hello, here a byte) the worker sees
    /// the whole ring, or, when it cannot be reserved, an empty object and no ring offered.
    @Test(arguments: [(1 << 20, true), (1 << 50, false)])
    func aWorkerIsSpawnedWithTheRingItIsOffered(bytes: Int, offered: Bool) throws {
        let launch = WorkerLaunch.Resolved(
            arguments: ["/bin/sh", "-c", "head -c 1 <&3 >/dev/null && stat -L -c %s /proc/self/fd/5"], inherited: CommandEnvironment(["PATH=/usr/bin:/bin"]),
            environment: [], workingDirectory: nil, description: "sh")
        let process = try WorkerProcess(launch, spool: try WorkerSpool(), sharedBytes: bytes)
        #expect((process.shared != nil) == offered)
        #expect(process.send([0x0A]))
        let deadline = Date().addingTimeInterval(10)
        while !process.hasExited, Date() < deadline { usleep(1_000) }
        #expect(process.kill() == "exited with status 0")
        let out = process.spool.read(.out, 0..<process.spool.size(.out), limit: 100).kept(stream: "stdout")
        #expect(String(decoding: out, as: UTF8.self) == (offered ? "\(WorkerSharedValues.headerBytes + bytes)\n" : "0\n"))
    }
}
