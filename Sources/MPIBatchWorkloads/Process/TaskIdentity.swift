import Foundation
import MPIBatchRuntime
import Synchronization

/// The variables that tell a command task who it is: `MPIBATCH_INDEX`,
/// `MPIBATCH_ATTEMPT`, `MPIBATCH_RANK`, `MPIBATCH_SLOT`, `MPIBATCH_OUT` (the run
/// directory, absolute), for a task of more than one core, `OMP_NUM_THREADS`, and for a
/// pinned task (`--bind cores`) `MPIBATCH_CORES`, its CPUs (`2,3`).
/// A variable the task's `env:` sets wins over them.
struct TaskIdentity: Sendable {
    /// The names set per task; the rank's own values of them are not inherited.
    static let names: Set = ["MPIBATCH_INDEX", "MPIBATCH_ATTEMPT", "MPIBATCH_RANK", "MPIBATCH_SLOT", "MPIBATCH_OUT", "MPIBATCH_CORES"]
    static let threads = "OMP_NUM_THREADS"

    /// The identity names that `env:` does not set.
    private let set: Set<String>
    /// Whether `OMP_NUM_THREADS` is ours to set (some task takes more than one core, and `env:` leaves it).
    let setsThreads: Bool
    /// The rank's own `OMP_NUM_THREADS`, passed on to one-core tasks when `setsThreads` keeps it from the inherited set.
    private let inheritedThreads: String?

    /// For a sweep whose `env:` sets `overridden` and whose tasks take up to `largestCores` cores.
    init(overridden: Set<String>, largestCores: Int) {
        set = Self.names.subtracting(overridden)
        setsThreads = largestCores > 1 && !overridden.contains(Self.threads)
        inheritedThreads = ProcessInfo.processInfo.environment[Self.threads]
    }

    /// Whether the rank's variable `name` must not be inherited.
    func replaces(_ name: String) -> Bool {
        Self.names.contains(name) || (setsThreads && name == Self.threads)
    }

    /// `NAME=value` for task `context`, which takes `cores` cores.
    func variables(_ context: TaskContext, cores: Int) -> [String] {
        var variables: [String] = []
        func add(_ name: String, _ value: @autoclosure () -> String) {
            if set.contains(name) { variables.append("\(name)=\(value())") }
        }
        add("MPIBATCH_INDEX", String(context.index))
        add("MPIBATCH_ATTEMPT", String(context.attempt))
        add("MPIBATCH_RANK", String(context.rank))
        add("MPIBATCH_SLOT", String(context.slot))
        add("MPIBATCH_OUT", runDirectory.absolute(context.outputDirectory))
        if !context.cpus.isEmpty { add("MPIBATCH_CORES", context.cpus.map(String.init).joined(separator: ",")) }
        if setsThreads {
            if cores > 1 {
                variables.append("\(Self.threads)=\(cores)")
            } else if let inheritedThreads {
                variables.append("\(Self.threads)=\(inheritedThreads)")
            }
        }
        return variables
    }

    /// `MPIBATCH_OUT`, made absolute once rather than per task (a relative `--out` cost a
    /// `getcwd` and a `stat` a task).
    private let runDirectory = AbsolutePath()
}

/// The absolute form of the last path asked for, kept: a worker's tasks all ask for the same.
private final class AbsolutePath: Sendable {
    private let last = Mutex<(path: String, absolute: String)?>(nil)

    /// `path` absolute, without `.` or `..` (as given when it is already absolute).
    func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        if let known = last.withLock({ $0 }), known.path == path { return known.absolute }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        last.withLock { $0 = (path, absolute) }
        return absolute
    }
}
