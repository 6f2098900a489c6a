/// `gpus:` and `memory:` of a task or stage: what each of its tasks takes from its node's
/// pools (beside its `cores:` slots) while it runs. Nothing asked is the default, and such a
/// task never touches the node's pools.
public struct TaskResources: Sendable, Equatable {
    /// `gpus: n`: whole devices of its node, seen through the vendor's variable; 0: none.
    public var gpus: Int
    /// `memory: 4GiB` in bytes: its share of the node's memory budget, and its enforced limit; 0: none.
    public var memoryBytes: Int
    /// `path:line:col` of `gpus:` (empty when not asked), for the messages that refuse it.
    public var gpusPlace: String
    /// `path:line:col` of `memory:` (empty when not asked).
    public var memoryPlace: String

    /// Nothing asked: the default.
    public static let none = TaskResources(gpus: 0, memoryBytes: 0, gpusPlace: "", memoryPlace: "")

    /// Makes an ask; the job loader does this.
    public init(gpus: Int, memoryBytes: Int, gpusPlace: String, memoryPlace: String) {
        self.gpus = gpus
        self.memoryBytes = memoryBytes
        self.gpusPlace = gpusPlace
        self.memoryPlace = memoryPlace
    }

    /// Whether the task asks for neither GPUs nor memory (it keeps the fast path).
    @inline(__always)
    public var asksNothing: Bool { gpus == 0 && memoryBytes == 0 }

    /// The larger ask of each kind, with its place: what a run checks its nodes against.
    public func widened(by other: TaskResources) -> TaskResources {
        var wider = self
        if other.gpus > gpus { (wider.gpus, wider.gpusPlace) = (other.gpus, other.gpusPlace) }
        if other.memoryBytes > memoryBytes { (wider.memoryBytes, wider.memoryPlace) = (other.memoryBytes, other.memoryPlace) }
        return wider
    }

    /// The smallest `memory:` a task may ask for: below it no process even starts.
    public static let smallestMemory = 1 << 20
}

extension TaskResources {
    /// What `plan` says about the ask, e.g. `gpus: 2 per task, memory: 4 GiB per task`; nil when none.
    public var planText: String? {
        var parts: [String] = []
        if gpus > 0 { parts.append("gpus: \(gpus) per task") }
        if memoryBytes > 0 { parts.append("memory: \(Self.bytesText(memoryBytes)) per task") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// `4 GiB`, `100 MiB`, `1.5 GiB`: a size as people read it.
    public static func bytesText(_ bytes: Int) -> String {
        let units = [(30, "GiB"), (20, "MiB"), (10, "KiB")]
        for (shift, unit) in units where bytes >= 1 << shift {
            let value = Double(bytes) / Double(1 << shift)
            let rounded = (value * 10).rounded() / 10
            return rounded == rounded.rounded() ? "\(Int(rounded)) \(unit)" : "\(rounded) \(unit)"
        }
        return "\(bytes) B"
    }
}
