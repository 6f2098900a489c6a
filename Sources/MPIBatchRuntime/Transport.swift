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
    /// Delivers what is queued, waits for sends to complete, then stops delivering.
    func stop()
}
