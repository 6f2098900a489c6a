import MPIBatchCore

/// The shape of a stage graph: who depends on whom, a topological order, the
/// levels, and longest paths under any per-stage weights. Stages are numbered
/// in file order.
public struct StageTopology: Sendable {
    /// Stage names, in file order.
    public let names: [String]
    /// For each stage, the stages it runs after (its `after:`).
    public let dependencies: [[Int]]
    /// For each stage, the stages that run after it.
    public let dependents: [[Int]]
    /// Every stage once, each after all of its dependencies (file order among equals).
    public let order: [Int]
    /// For each stage, its level: 0 without dependencies, else one more than its deepest dependency.
    public let level: [Int]

    /// Each name's stage number.
    private let numbers: [String: Int]

    /// Checks and builds the graph of `names` where stage i runs after the stages named in `after[i]`.
    /// Throws every duplicate and unknown name found, or else the first cycle. Linear in stages
    /// plus dependencies, and without recursion, so a graph of millions of stages is fine.
    public init(names: [String], after: [[String]]) throws(StageGraphErrors) {
        var numbers: [String: Int] = [:]
        numbers.reserveCapacity(names.count)
        var problems: [StageGraphError] = []
        for (stage, name) in names.enumerated() {
            if let first = numbers[name] {
                problems.append(.duplicateName(name, stage: stage, first: first))
            } else {
                numbers[name] = stage
            }
        }
        var dependencies: [[Int]] = []
        dependencies.reserveCapacity(names.count)
        /// The last stage that listed each stage as a dependency: repeats in one `after:` count once.
        var listedBy = Array(repeating: -1, count: names.count)
        for (stage, wanted) in after.enumerated() {
            var found: [Int] = []
            for (position, name) in wanted.enumerated() {
                if let number = numbers[name] {
                    if listedBy[number] != stage { found.append(number) }
                    listedBy[number] = stage
                } else {
                    problems.append(.unknownDependency(name, stage: stage, position: position, known: names))
                }
            }
            dependencies.append(found)
        }
        guard problems.isEmpty else { throw StageGraphErrors(problems) }
        var dependents = Array(repeating: [Int](), count: names.count)
        for (stage, before) in dependencies.enumerated() {
            for dependency in before { dependents[dependency].append(stage) }
        }
        let (order, pending) = Self.topologicalOrder(dependencies: dependencies, dependents: dependents)
        guard order.count == names.count else {
            let cycle = Self.findCycle(dependencies: dependencies, unordered: pending)
            throw StageGraphErrors([.cycle(cycle, names: cycle.map { names[$0] })])
        }
        var level = Array(repeating: 0, count: names.count)
        for stage in order {
            level[stage] = dependencies[stage].map { level[$0] + 1 }.max() ?? 0
        }
        self.names = names
        self.numbers = numbers
        self.dependencies = dependencies
        self.dependents = dependents
        self.order = order
        self.level = level
    }

    /// The number of the stage called `name`, if there is one.
    public func number(of name: String) -> Int? { numbers[name] }

    /// Whether `stage` runs after `candidate`, directly or through others. Searches back from
    /// `stage` only through stages deeper than `candidate` (no path to it leads elsewhere).
    public func isUpstream(_ candidate: Int, of stage: Int) -> Bool {
        var seen: Set<Int> = []
        var stack = [stage]
        while let next = stack.popLast() {
            for dependency in dependencies[next] where dependency == candidate || level[dependency] > level[candidate] {
                if dependency == candidate { return true }
                if seen.insert(dependency).inserted { stack.append(dependency) }
            }
        }
        return false
    }

    /// Stages grouped by level, each group in file order.
    public var levels: [[Int]] {
        var levels = Array(repeating: [Int](), count: (level.max() ?? -1) + 1)
        for stage in names.indices { levels[level[stage]].append(stage) }
        return levels
    }

    /// Every stage `stage` runs after, directly or through others, in file order.
    public func ancestors(of stage: Int) -> [Int] { reachable(from: stage, along: dependencies) }

    /// The stages reached from `stage` by following `edges` (not `stage` itself, unless in a cycle), in file order.
    private func reachable(from stage: Int, along edges: [[Int]]) -> [Int] {
        var seen = Array(repeating: false, count: names.count)
        var stack = edges[stage]
        while let next = stack.popLast() {
            guard !seen[next] else { continue }
            seen[next] = true
            stack += edges[next]
        }
        return names.indices.filter { seen[$0] }
    }

    /// For each stage, the heaviest path from it to the end of the graph, its own weight included.
    public func remainingPath(weights: [Double]) -> [Double] {
        var remaining = weights
        for stage in order.reversed() {
            remaining[stage] = weights[stage] + (dependents[stage].map { remaining[$0] }.max() ?? 0)
        }
        return remaining
    }

    /// The heaviest path through the graph under `weights`: its length and its stages in order.
    public func criticalPath(weights: [Double]) -> (length: Double, stages: [Int]) {
        guard !names.isEmpty else { return (0, []) }
        let remaining = remainingPath(weights: weights)
        let roots = names.indices.filter { dependencies[$0].isEmpty }
        var stage = roots.max { remaining[$0] < remaining[$1] }!
        var path = [stage]
        while let next = dependents[stage].max(by: { remaining[$0] < remaining[$1] }) {
            path.append(next)
            stage = next
        }
        return (remaining[path[0]], path)
    }

    /// Kahn's algorithm, smallest stage number first among the ready: the order (every stage
    /// when there is no cycle) and each stage's dependencies left out of it.
    private static func topologicalOrder(dependencies: [[Int]], dependents: [[Int]]) -> (order: [Int], pending: [Int]) {
        var pending = dependencies.map(\.count)
        var ready = MinHeap(pending.indices.filter { pending[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(dependencies.count)
        while let stage = ready.popMin() {
            order.append(stage)
            for dependent in dependents[stage] {
                pending[dependent] -= 1
                if pending[dependent] == 0 { ready.insert(dependent) }
            }
        }
        return (order, pending)
    }

    /// A cycle, as stage numbers with the first repeated at the end, each stage followed by one
    /// that runs after it. `pending` is what Kahn's algorithm left: a stage it could not order
    /// waits for another it could not order, so walking back from one through those must
    /// come round to a stage already walked; the walk from there is the cycle.
    private static func findCycle(dependencies: [[Int]], unordered pending: [Int]) -> [Int] {
        guard let first = pending.firstIndex(where: { $0 > 0 }) else { return [] }
        var step = Array(repeating: -1, count: dependencies.count)
        var walk: [Int] = []
        var stage = first
        while step[stage] < 0 {
            step[stage] = walk.count
            walk.append(stage)
            stage = dependencies[stage].first { pending[$0] > 0 }!
        }
        let cycle = walk[step[stage]...].reversed()
        return Array(cycle) + [cycle.first!]
    }
}

/// Every problem found in a stage graph's shape.
public struct StageGraphErrors: Error, Sendable {
    /// The problems, at least one.
    public let errors: [StageGraphError]

    /// Wraps `errors`.
    public init(_ errors: [StageGraphError]) { self.errors = errors }
}
