/// The tasks of a run: indices `0..<taskCount`.
public protocol IndexedTasks: Sendable {
    /// How many tasks there are.
    var taskCount: Int { get }
    /// Its sweeps' and stages' early stops (`stop_when:`, `race:`), by index range: rank 0
    /// applies them, every rank's worker gets ready to cancel tasks when there are some.
    var stopRules: [StopRule] { get }
}

extension IndexedTasks {
    /// No early stop unless the workload has one.
    public var stopRules: [StopRule] { [] }
}
