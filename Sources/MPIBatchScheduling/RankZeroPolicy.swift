import MPIBatchCore
import MPIBatchJob
import MPIBatchPlan

/// What rank 0 needs of a workload: where chunks come from, how task values are
/// folded, and what to say at the start.
public protocol RankZeroPolicy: IndexedTasks {
    /// Rank 0's reducer of task values (Monte Carlo blocks, say), or nil when values are only journaled.
    func makeReducer() -> (any ResultReducer)?
    /// Whether a resumed run needs the values the earlier run journaled (a reducer's or a
    /// stage graph's inputs); without, resume keeps none, so its memory stays small.
    var keepsJournaledValues: Bool { get }
    /// Rank 0's source of chunks: by default the flat range `0..<taskCount` under `policy`.
    func makeWorkSource(policy: ChunkPolicy, totalSlots: Int) -> any WorkSource
    /// Notes rank 0 prints once at the start (the shell that runs shell tasks, when it is not bash).
    var startNotes: [String] { get }
    /// Where its stages' values are written (nowhere without stages): rank 0's driver writes them.
    var stageValues: StageValues { get }
    /// What its values depend on besides the job file (a model's interpreter and numpy, as its
    /// worker reports them), asked on rank 0 before the run prepares `outputDirectory`; it may
    /// start rank 0's first worker, which stays for its tasks. nil when nothing is known.
    func resultEnvironment(outputDirectory: String) async -> RunEnvironment?
    /// Whether any task uses a named limit (`uses:`); without, the coordinator keeps no leases.
    var usesLimits: Bool { get }
    /// The units of named limits task `index` holds while it runs (the same for a chunk's tasks).
    func limitUses(of index: Int) -> LimitUses
}

extension RankZeroPolicy {
    /// No reducer unless the workload has one.
    public func makeReducer() -> (any ResultReducer)? { nil }
    /// Journaled values are needed exactly when there is a reducer to feed.
    public var keepsJournaledValues: Bool { makeReducer() != nil }
    /// A flat index range under `policy`; stage graphs provide their own source.
    public func makeWorkSource(policy: ChunkPolicy, totalSlots: Int) -> any WorkSource {
        IndexDispenser(policy: policy, taskCount: taskCount, totalSlots: totalSlots)
    }
    /// Nothing to say unless the workload has something.
    public var startNotes: [String] { [] }
    /// No stage values unless the workload has stages.
    public var stageValues: StageValues { StageValues(directory: nil) }
    /// Nothing besides the job file unless the workload says.
    public func resultEnvironment(outputDirectory: String) async -> RunEnvironment? { nil }
    /// No named limits unless the workload has tasks that use them.
    public var usesLimits: Bool { false }
    /// No named limits unless the workload has tasks that use them.
    public func limitUses(of index: Int) -> LimitUses { .none }
}
