/// A `stages:` job: stages with their bodies, laid out in one global index
/// space (stage s owns `offsets[s] ..< offsets[s] + stages[s].taskCount`),
/// with the graph's shape in `topology`.
public struct StageGraph: Sendable {
    /// One stage of the graph.
    public struct Stage: Sendable {
        /// Its `name:`.
        public var name: String
        /// What its tasks are.
        public var body: Body
        /// `exclusive: true`: nothing else runs while it does.
        public var exclusive: Bool
        /// `estimate:` — the expected seconds of one of its tasks, for scheduling and `plan`.
        public var estimate: Double?
        /// `warn_after:` — seconds after which a warning says the stage is running long.
        public var warnAfter: Double?
        /// `stop_when:` or `race: true`.
        public var earlyStop: EarlyStopSpec?

        /// Whether its tasks fan out over the ranks (a nested `sweep:` or `montecarlo:`), as opposed to being one task.
        public var fansOut: Bool {
            switch body {
            case .tasks(_, let fansOut): fansOut
            case .monteCarlo: true
            }
        }

        /// Whether its size is known only once it becomes ready (a `RunTimeTable`).
        public var sizeKnownAtRunTime: Bool {
            if case .tasks(let sweep, _) = body { return sweep.runTimeTable != nil }
            return false
        }

        /// How many tasks it has: a Monte Carlo stage's are its blocks; a stage whose size is
        /// known at run time, the most it may have (its room in the index space).
        public var taskCount: Int {
            switch body {
            case .tasks(let sweep, _): sweep.taskCount
            case .monteCarlo(let spec): spec.blockCount
            }
        }

        /// Makes a stage; the job loader does this.
        public init(
            name: String, body: Body, exclusive: Bool = false, estimate: Double? = nil, warnAfter: Double? = nil,
            earlyStop: EarlyStopSpec? = nil
        ) {
            self.earlyStop = earlyStop
            self.name = name
            self.body = body
            self.exclusive = exclusive
            self.estimate = estimate
            self.warnAfter = warnAfter
        }
    }

    /// What a stage's tasks are.
    public enum Body: Sendable {
        /// A sweep of tasks: one task (`command:`, `shell:`, `kernel:`) is a sweep over an empty
        /// space; `fansOut` when it is a nested `sweep:` (its value is then the array of its tasks' values).
        case tasks(SweepSpec, fansOut: Bool)
        /// A nested `montecarlo:`: its blocks fan out over the ranks; its value is the estimate.
        case monteCarlo(MonteCarloSpec)
    }

    /// The stages, in file order.
    public let stages: [Stage]
    /// Who runs after whom.
    public let topology: StageTopology
    /// Stage s's first global index; one more entry at the end holds the total task count.
    public let offsets: [Int]

    /// Makes a graph of `stages` whose shape is `topology` (built from the same stages' names).
    public init(stages: [Stage], topology: StageTopology) {
        self.stages = stages
        self.topology = topology
        var offsets = [0]
        for stage in stages { offsets.append(offsets[offsets.count - 1] + stage.taskCount) }
        self.offsets = offsets
    }

    /// Tasks over all stages.
    public var taskCount: Int { offsets[offsets.count - 1] }

    /// The stage owning global index `index`, and the index within that stage.
    public func locate(_ index: Int) -> (stage: Int, local: Int) {
        var low = 0
        var high = stages.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if offsets[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return (low, index - offsets[low])
    }

    /// Per-stage seconds of one task for planning: `estimate:` where declared, else
    /// the mean of the declared ones, else 1 (equal weights).
    public var declaredTaskSeconds: [Double] {
        let declared = stages.compactMap(\.estimate)
        let fallback = declared.isEmpty ? 1 : declared.reduce(0, +) / Double(declared.count)
        return stages.map { $0.estimate ?? fallback }
    }

    /// Whether every stage declares `estimate:` (so plan figures are seconds, not units).
    public var isFullyEstimated: Bool { stages.allSatisfy { $0.estimate != nil } }

    /// The critical path with unlimited slots (a fan-out stage lasts one task) and the total work, from `declaredTaskSeconds`.
    public var plannedFigures: (criticalPath: Double, stages: [Int], totalWork: Double) {
        let perTask = declaredTaskSeconds
        let path = topology.criticalPath(weights: perTask)
        let work = stages.indices.map { perTask[$0] * Double(stages[$0].taskCount) }.reduce(0, +)
        return (path.length, path.stages, work)
    }
}
