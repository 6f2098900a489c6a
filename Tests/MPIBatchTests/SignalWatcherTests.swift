import Foundation
import Synchronization
import Testing
@testable import MPIBatchRuntime

@Suite struct SignalWatcherTests {
    /// Signals that come before the run attaches reach it, in order, as it attaches, each saying
    /// whether one came before; one the run did not ask for is dropped; a run that has detached
    /// hears nothing. (Real signals are the integration checks' `signals at start`.)
    @Test func signalsBeforeTheRunAttachesReachIt() {
        let watcher = SignalWatcher.shared()
        watcher.arrived(SIGUSR2, count: 1)
        watcher.arrived(SIGPWR, count: 1)
        watcher.arrived(SIGUSR2, count: 1)
        let heard = Mutex<[String]>([])
        let attached = SignalWatcher.attach([SIGUSR2]) { number, repeated in
            heard.withLock { $0.append("\(number) \(repeated)") }
        }
        #expect(heard.withLock { $0 } == ["\(SIGUSR2) false", "\(SIGUSR2) true"])
        attached.arrived(SIGUSR2, count: 2)
        #expect(heard.withLock { $0 }.last == "\(SIGUSR2) true")
        attached.detach()
        attached.arrived(SIGUSR2, count: 1)
        #expect(heard.withLock { $0 }.count == 3)
    }

    /// A run that watches no signal (as tests run) leaves the process's watcher alone.
    @Test func watchingNothingTouchesNothing() {
        let watcher = SignalWatcher.attach([]) { _, _ in Issue.record("called") }
        #expect(watcher !== SignalWatcher.shared())
        watcher.detach()
    }
}
