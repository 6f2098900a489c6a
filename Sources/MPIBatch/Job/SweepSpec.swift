/// The `sweep:` and `task:` sections of a job file, or a plain task file.
public struct SweepSpec: Sendable {
    /// How many tasks the sweep has.
    public var taskCount: Int
    /// Makes a spec.
    public init(taskCount: Int) { self.taskCount = taskCount }
}
