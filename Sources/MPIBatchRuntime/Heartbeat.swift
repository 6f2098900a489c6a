import MPIBatchCore

/// Calls `beat` at once and then every `seconds`, on a thread of its own, until stopped.
final class Heartbeat: Sendable {
    private let loop: BackgroundLoop

    init(every seconds: Double, beat: @escaping @Sendable () -> Void) {
        loop = BackgroundLoop(name: "mpibatch-heartbeat") { loop in
            while !loop.isStopping {
                beat()
                loop.wait(seconds: max(0.01, seconds))
            }
        }
    }

    /// Ends the beats and waits for the thread to exit (at most one beat's time).
    func stop() { loop.stopAndJoin() }
}
