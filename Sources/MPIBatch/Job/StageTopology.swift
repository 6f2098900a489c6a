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

    /// Checks and builds the graph of `names` where stage i runs after the stages named in `after[i]`.
    /// Throws every duplicate and unknown name found, or else the first cycle.
    public init(names: [String], after: [[String]]) throws(StageGraphErrors) {
        var numbers: [String: Int] = [:]
        var problems: [StageGraphError] = []
        for (stage, name) in names.enumerated() {
            if let first = numbers[name] {
                problems.append(.duplicateName(name, stage: stage, first: first))
            } else {
                numbers[name] = stage
            }
        }
        var dependencies: [[Int]] = []
        for (stage, wanted) in after.enumerated() {
            var found: [Int] = []
            for (position, name) in wanted.enumerated() {
                if let number = numbers[name] {
                    if !found.contains(number) { found.append(number) }
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
        guard let order = Self.topologicalOrder(dependencies: dependencies, dependents: dependents) else {
            let cycle = Self.findCycle(dependencies: dependencies)
            throw StageGraphErrors([.cycle(cycle, names: cycle.map { names[$0] })])
        }
        var level = Array(repeating: 0, count: names.count)
        for stage in order {
            level[stage] = dependencies[stage].map { level[$0] + 1 }.max() ?? 0
        }
        self.names = names
        self.dependencies = dependencies
        self.dependents = dependents
        self.order = order
        self.level = level
    }

    /// Stages grouped by level, each group in file order.
    public var levels: [[Int]] {
        var levels = Array(repeating: [Int](), count: (level.max() ?? -1) + 1)
        for stage in names.indices { levels[level[stage]].append(stage) }
        return levels
    }

    /// Every stage `stage` runs after, directly or through others, in file order.
    public func ancestors(of stage: Int) -> [Int] { reachable(from: stage, along: dependencies) }

    /// Every stage that runs after `stage`, directly or through others.
    public func descendants(of stage: Int) -> [Int] { reachable(from: stage, along: dependents) }

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

    /// Kahn's algorithm, smallest stage number first among the ready; nil when there is a cycle.
    private static func topologicalOrder(dependencies: [[Int]], dependents: [[Int]]) -> [Int]? {
        var pending = dependencies.map(\.count)
        var ready = pending.indices.filter { pending[$0] == 0 }.reversed() as [Int]
        var order: [Int] = []
        while let stage = ready.popLast() {
            order.append(stage)
            for dependent in dependents[stage] {
                pending[dependent] -= 1
                if pending[dependent] == 0 {
                    ready.append(dependent)
                    ready.sort(by: >)
                }
            }
        }
        return order.count == dependencies.count ? order : nil
    }

    /// A cycle, as stage numbers with the first repeated at the end, found by depth-first search.
    private static func findCycle(dependencies: [[Int]]) -> [Int] {
        enum Mark { case unvisited, onPath, done }
        var marks = Array(repeating: Mark.unvisited, count: dependencies.count)
        var path: [Int] = []
        func visit(_ stage: Int) -> [Int]? {
            marks[stage] = .onPath
            path.append(stage)
            for dependency in dependencies[stage] {
                switch marks[dependency] {
                case .onPath:
                    let start = path.firstIndex(of: dependency)!
                    return Array(path[start...]).reversed() + [path[path.count - 1]]
                case .unvisited:
                    if let cycle = visit(dependency) { return cycle }
                case .done:
                    break
                }
            }
            path.removeLast()
            marks[stage] = .done
            return nil
        }
        for stage in dependencies.indices where marks[stage] == .unvisited {
            if let cycle = visit(stage) { return cycle }
        }
        return []
    }
}

/// Every problem found in a stage graph's shape.
public struct StageGraphErrors: Error, Sendable {
    /// The problems, at least one.
    public let errors: [StageGraphError]

    /// Wraps `errors`.
    public init(_ errors: [StageGraphError]) { self.errors = errors }
}
