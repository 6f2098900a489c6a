/// Moves opaque byte messages between ranks. The runtime encodes and decodes;
/// the transport only delivers, in order per (source, destination) pair.
public protocol Transport: AnyObject, Sendable {
    /// This process's rank.
    var rank: Int { get }
    /// How many ranks there are.
    var size: Int { get }
    /// Starts delivering every incoming message to `handler`, one at a time, on
    /// the transport's own thread (never on Swift's cooperative pool).
    func start(handler: @escaping @Sendable (_ source: Int, _ bytes: [UInt8]) -> Void)
    /// Queues `bytes` for `destination` (this rank included); never blocks.
    func send(_ bytes: [UInt8], to destination: Int)
    /// Queues `work` to run on the transport's thread, in order with what this rank sends
    /// itself: a message for this rank that needs no encoding (rank 0's own worker's results,
    /// handed to the coordinator as they are); never blocks.
    func post(_ work: @escaping @Sendable () -> Void)
    /// Delivers what is queued, waits for sends to complete, then stops delivering.
    func stop()
}
