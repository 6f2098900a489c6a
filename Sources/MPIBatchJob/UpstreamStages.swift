/// The stages a stage runs after, directly or through others: those whose
/// `{stages.NAME.value}` its templates may use. Asked one name at a time, so a
/// long chain of stages costs nothing until a template names a stage.
public struct UpstreamStages: Sendable {
    private let topology: StageTopology?
    private let stage: Int

    /// No stages (outside a stage graph).
    public static let none = UpstreamStages(topology: nil, stage: 0)

    /// The stages upstream of stage number `stage` of `topology`.
    public init(of stage: Int, in topology: StageTopology) {
        self.init(topology: topology, stage: stage)
    }

    private init(topology: StageTopology?, stage: Int) {
        self.topology = topology
        self.stage = stage
    }

    /// Whether the stage called `name` is upstream.
    public func contains(_ name: String) -> Bool {
        guard let topology, let number = topology.number(of: name) else { return false }
        return topology.isUpstream(number, of: stage)
    }

    /// Every upstream stage's name, in file order (for did-you-mean: walks the graph).
    public var names: [String] {
        guard let topology else { return [] }
        return topology.ancestors(of: stage).map { topology.names[$0] }
    }
}
