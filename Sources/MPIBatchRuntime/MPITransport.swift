import Foundation
import MPIBatchCore
import SwiftMPI
import Synchronization

/// The transport over MPI: one dedicated thread per rank owns every MPI call
/// between `start` and `stop`, so MPI never runs on Swift's cooperative pool
/// and `MPI_THREAD_SERIALIZED` is enough.
///
/// The thread sends what is queued, polls `MPI_Iprobe`, and
/// when there is nothing to do sleeps with an exponential back-off (woken at
/// once by a local `send`), so a rank waiting for work does not burn a core.
///
/// Sends are blocking `MPI_Send`s on this thread: Open MPI moves a large
/// message only while the sender is inside the library, and a blocking send
/// drives it without spinning. It cannot deadlock: the coordinator's messages
/// to workers are a few dozen bytes (always sent eagerly), so rank 0 never
/// blocks in a send while a worker blocks sending results to it.
public final class MPITransport: Transport {
    /// This rank.
    public let rank: Int
    /// The number of ranks.
    public let size: Int
    private let communicator: Communicator
    private let outbox = Mutex<[(destination: Int, bytes: [UInt8])]>([])
    private let sleeping = Atomic<Bool>(false)
    private let loop = BackgroundLoop(name: "mpibatch-comm")

    /// The tag every runtime message travels with.
    static let tag: Int32 = 7
    /// The longest the thread sleeps between polls when idle.
    static let maximumBackoffMicroseconds = 1_000

    /// A transport over `communicator`; call `start` to begin.
    public init(communicator: Communicator) {
        self.communicator = communicator
        rank = communicator.rank
        size = communicator.size
    }

    /// Starts the communication thread.
    public func start(handler: @escaping @Sendable (Int, [UInt8]) -> Void) {
        loop.start { [self] loop in pump(loop, handler: handler) }
    }

    /// Queues `bytes`; the communication thread sends them (or delivers them, to this rank).
    public func send(_ bytes: [UInt8], to destination: Int) {
        outbox.withLock { $0.append((destination, bytes)) }
        if sleeping.exchange(false, ordering: .acquiringAndReleasing) { loop.wake() }
    }

    /// Sends what is queued and ends the thread.
    public func stop() {
        loop.stopAndJoin()
    }

    private func pump(_ loop: BackgroundLoop, handler: @Sendable (Int, [UInt8]) -> Void) {
        var idleRounds = 0
        do {
            while true {
                var worked = false
                for (destination, bytes) in takeOutbox() {
                    worked = true
                    if destination == rank {
                        handler(rank, bytes)
                    } else {
                        try communicator.send(bytes, to: destination, tag: Self.tag)
                    }
                }
                while let probed = try communicator.iprobe(tag: Self.tag) {
                    worked = true
                    handler(probed.source, try communicator.receive(probed))
                }
                if worked {
                    idleRounds = 0
                    continue
                }
                if loop.isStopping, outbox.withLock({ $0.isEmpty }) {
                    return
                }
                idleRounds += 1
                sleep(loop, afterIdleRounds: idleRounds)
            }
        } catch {
            Diagnostics.say("rank \(rank): \(error)")
            MPIEnvironment.abort(errorCode: 70)
        }
    }

    private func takeOutbox() -> [(destination: Int, bytes: [UInt8])] {
        outbox.withLock { queue in
            let taken = queue
            queue = []
            return taken
        }
    }

    /// Spins briefly (a reply is often microseconds away), then sleeps 2, 4, 8 … µs up to the cap.
    private func sleep(_ loop: BackgroundLoop, afterIdleRounds rounds: Int) {
        guard rounds > 16 else { return }
        let micros = min(Self.maximumBackoffMicroseconds, 1 << min(20, rounds - 16))
        sleeping.store(true, ordering: .releasing)
        if !outbox.withLock({ $0.isEmpty }) {
            sleeping.store(false, ordering: .releasing)
            return
        }
        loop.wait(seconds: Double(micros) * 1e-6)
        sleeping.store(false, ordering: .releasing)
    }
}
