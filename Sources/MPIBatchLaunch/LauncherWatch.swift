import Foundation
import MPIBatchCore
import Synchronization

/// A rank's watch on `mpirun` after a Ctrl-C. On SIGINT `mpirun` sends its ranks SIGCONT at
/// once and SIGTERM 1 s later; a second Ctrl-C ends `mpirun` itself at once, and its ranks
/// get no signal at all (measured, Open MPI 4.1). So on SIGCONT under `mpirun` a rank starts
/// no task for `holdSeconds` (the SIGTERM then stops the run; a job-control continue, with
/// no SIGTERM after it, only pauses it) and watches its parent meanwhile: once the launcher
/// is gone the run stops at once, journal and summary written, and MPI is not finalised
/// (there is no launcher left to finalise with).
public final class LauncherWatch: Sendable {
    /// The process that started this rank (`mpirun`, or its daemon on another node).
    private let parent = getppid()
    private let gone = Atomic<Bool>(false)
    private let watching = Atomic<Bool>(false)

    /// How long a SIGCONT under `mpirun` holds back task starts, waiting for its SIGTERM.
    public static let holdSeconds = 1.5

    /// A watch on this process's parent.
    public init() {}

    /// Whether the launcher ended while this rank ran.
    public var launcherGone: Bool { gone.load(ordering: .acquiring) }

    /// Looks at the parent every 20 ms for `holdSeconds` (on a thread of its own; one watch
    /// at a time), and calls `onGone` once if it ended.
    func watch(onGone: @escaping @Sendable () -> Void) {
        guard !watching.exchange(true, ordering: .acquiringAndReleasing) else { return }
        Thread.detachNewThread { [self] in
            defer { watching.store(false, ordering: .releasing) }
            let end = MonotonicClock.seconds() + Self.holdSeconds
            while MonotonicClock.seconds() < end {
                if getppid() != parent {
                    if !gone.exchange(true, ordering: .acquiringAndReleasing) { onGone() }
                    return
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }
}
