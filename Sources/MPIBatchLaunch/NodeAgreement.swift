import Foundation
import MPIBatchJob
import MPIBatchRuntime

/// How a node's ranks agree on its pools at the start, when some task asks for GPUs or memory:
/// each rank finds its own devices (`GPUDiscovery`) and its own memory use; the node's first rank
/// takes their union and the budget (`NodeMemory` minus the ranks' use) and tells the others;
/// rank 0 gets every node's, to refuse an ask that does not fit (`ResourceFit`).
enum NodeAgreement {
    /// A node's pools, or why it has none to offer (a device listed twice): what travels.
    struct Word: Codable, Equatable {
        /// The node's pools.
        var resources: NodeResources?
        /// The problem found on the node, for rank 0's refusal (exit status 2).
        var problem: String?
    }

    /// What a rank learns: its node's word, and on rank 0 every node's once, in the order of their first ranks.
    struct Outcome {
        /// This rank's node.
        var own: Word
        /// Rank 0: each node once (nil elsewhere).
        var nodes: [Word]?

        /// Rank 0's refusal for `widest`: a node's problem, or an ask no node fits; nil when all is well.
        func refusal(widest: TaskResources) -> String? {
            guard let nodes else { return nil }
            if let problem = nodes.lazy.compactMap(\.problem).first { return problem }
            return ResourceFit.problem(widest: widest, nodes: nodes.compactMap(\.resources))
        }
    }

    /// Agrees over `node` (the ranks sharing this node) and `world`; `override` is `--gpus`.
    static func agree(world: any RankGroup, node: any RankGroup, host: String, override: String?) throws -> Outcome {
        let environment = ProcessInfo.processInfo.environment
        var mine = Said(gpus: nil, problem: nil, residentBytes: NodeMemory.ownResidentBytes())
        do {
            mine.gpus = try GPUDiscovery.inherited(environment: environment, override: override)
        } catch {
            mine.problem = "\(host): \(error)"
        }
        var decided: [UInt8] = []
        if let gathered = try node.gatherv(Array(try JSONEncoder().encode(mine)), root: 0) {
            let all = try gathered.map { try JSONDecoder().decode(Said.self, from: Data($0)) }
            decided = Array(try JSONEncoder().encode(Self.decide(all, host: host, environment: environment)))
        }
        let own = try node.broadcast(decided, root: 0)
        let nodes = try world.gatherv(own, root: 0).map { all in
            var seen: Set<[UInt8]> = []
            return try all.filter { seen.insert($0).inserted }.map { try JSONDecoder().decode(Word.self, from: Data($0)) }
        }
        return Outcome(own: try JSONDecoder().decode(Word.self, from: Data(own)), nodes: nodes)
    }

    /// What one rank tells its node's first rank.
    private struct Said: Codable {
        var gpus: GPUList?
        var problem: String?
        var residentBytes: Int
    }

    /// The node's pools from its ranks' words.
    private static func decide(_ all: [Said], host: String, environment: [String: String]) -> Word {
        if let problem = all.lazy.compactMap(\.problem).first { return Word(resources: nil, problem: problem) }
        let allocation = NodeMemory.allocation(environment: environment)
        let ranksUse = all.reduce(0) { $0 + $1.residentBytes }
        return Word(
            resources: NodeResources(
                host: host, gpus: GPUDiscovery.union(all.compactMap(\.gpus)),
                memoryBytes: max(0, (allocation?.bytes ?? 0) - ranksUse),
                memorySource: allocation?.source ?? "nothing (no MemTotal)"),
            problem: nil)
    }
}
