import Dispatch
import Synchronization

/// Ranks as objects in one process: the only rank of a run started alone (no launcher, so
/// no MPI), and a stand-in for MPI in logic tests.
public final class InMemoryNetwork: Sendable {
    /// One transport per simulated rank, indexed by rank.
    public let endpoints: [InMemoryTransport]

    /// Makes `size` connected ranks.
    public init(size: Int) {
        let inboxes = (0..<size).map { InMemoryTransport.Inbox(label: "mpibatch.in-memory.rank\($0)") }
        endpoints = (0..<size).map { InMemoryTransport(rank: $0, size: size, inboxes: inboxes) }
    }
}

/// One rank of an `InMemoryNetwork`. Each rank delivers on its own serial queue,
/// so messages from one source arrive in the order they were sent, one at a time.
public final class InMemoryTransport: Transport {
    /// A rank's delivery queue, and what arrived before its handler was set.
    final class Inbox: Sendable {
        private struct State {
            var handler: (@Sendable (Int, [UInt8]) -> Void)?
            var early: [(Int, [UInt8])] = []
        }

        let queue: DispatchQueue
        private let state = Mutex(State())

        init(label: String) { queue = DispatchQueue(label: label) }

        /// Runs on `queue` only.
        func deliver(_ bytes: [UInt8], from source: Int) {
            let handler = state.withLock { state in
                if state.handler == nil { state.early.append((source, bytes)) }
                return state.handler
            }
            handler?(source, bytes)
        }

        /// Runs on `queue` only, so nothing can slip between the early messages and later ones.
        func open(with handler: @escaping @Sendable (Int, [UInt8]) -> Void) {
            let early = state.withLock { state in
                state.handler = handler
                defer { state.early = [] }
                return state.early
            }
            for (source, bytes) in early { handler(source, bytes) }
        }
    }

    /// This rank.
    public let rank: Int
    /// The number of ranks in the network.
    public let size: Int
    private let inboxes: [Inbox]

    init(rank: Int, size: Int, inboxes: [Inbox]) {
        self.rank = rank
        self.size = size
        self.inboxes = inboxes
    }

    /// Starts delivering to `handler`, first whatever arrived before.
    public func start(handler: @escaping @Sendable (Int, [UInt8]) -> Void) {
        let inbox = inboxes[rank]
        inbox.queue.async { inbox.open(with: handler) }
    }

    /// Delivers `bytes` to `destination`'s handler on its queue.
    public func send(_ bytes: [UInt8], to destination: Int) {
        let source = rank
        let inbox = inboxes[destination]
        inbox.queue.async { inbox.deliver(bytes, from: source) }
    }

    /// Runs `work` on this rank's queue, in order with what this rank sent itself.
    public func post(_ work: @escaping @Sendable () -> Void) {
        inboxes[rank].queue.async(execute: work)
    }

    /// Waits until this rank's queue has delivered what it holds.
    public func stop() {
        inboxes[rank].queue.sync {}
    }
}
