/// Where rank 0's coordinator is in a run, with what exists only there.
enum CoordinatorPhase {
    /// Handing out work.
    case running
    /// No work goes out any more: every rank drains what it runs and says `done`.
    case stopping(CoordinatorStop)
    /// Every rank said `done` or was given up on: what each reported, in rank order (a
    /// rank given up on, its host and no CPU time).
    case finished(CoordinatorStop, reports: [RankReport])

    /// Why and how the run stops; nil while it runs.
    var stop: CoordinatorStop? {
        switch self {
        case .running: nil
        case .stopping(let stop), .finished(let stop, _): stop
        }
    }

    /// Whether work is still handed out.
    var isRunning: Bool {
        if case .running = self { true } else { false }
    }

    /// Whether every rank has finished.
    var isFinished: Bool {
        if case .finished = self { true } else { false }
    }

    /// Whether `rank` stopped answering and was given up on (a rank is given up on only as
    /// the run stops).
    func gaveUp(on rank: Int) -> Bool {
        switch self {
        case .running: false
        case .stopping(let stop), .finished(let stop, _): stop.unresponsive.contains(rank)
        }
    }
}

/// How a run stops: why, and which ranks it lost on the way.
struct CoordinatorStop {
    /// Why the run stopped early; nil when its work was done.
    var reason: String?
    /// Whether a signal or the deadline stopped it (resumable: exit status 3).
    var interrupted: Bool
    /// Ranks that stopped answering and were given up on.
    var unresponsive: [Int] = []
    /// Whether a whole node went silent (every rank of it given up on had stopped answering,
    /// or its host is unknown): a lost node, not a hung process on a live one.
    var lostSilentNode = false
}
