/// `priority:` — among work that is ready, higher first (default 0); ties keep the
/// scheduler's own order (a stage graph's longest remaining critical path, a sweep's index
/// order). A stage's is a number; a sweep's may be one parameter of its grid,
/// `priority: "{mesh}"`, so that its largest meshes start first without the sweep ever
/// being written out task by task.
public enum TaskPriority: Sendable, Equatable {
    /// The same for every task.
    case fixed(Double)
    /// The value of the index space's parameter number n, every value of which is a number.
    case parameter(Int)

    /// No priority: every task 0.
    public static let none = TaskPriority.fixed(0)

    /// The constant priority, or nil when it varies by task.
    public var fixedValue: Double? {
        if case .fixed(let value) = self { return value }
        return nil
    }
}
