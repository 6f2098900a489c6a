/// A problem with the shape of a `stages:` graph, naming the stages involved.
public enum StageGraphError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stage number `stage` reuses the name of stage number `first`.
    case duplicateName(String, stage: Int, first: Int)
    /// Stage number `stage` names, as its `position`-th dependency, a stage that does not exist.
    case unknownDependency(String, stage: Int, position: Int, known: [String])
    /// A stage depends on itself, directly or through others: `cycle` lists the
    /// stage numbers around it, the first repeated at the end.
    case cycle([Int], names: [String])

    /// The message, naming the culprits: `dependency cycle: a -> b -> c -> a`.
    public var description: String {
        switch self {
        case .duplicateName(let name, _, let first):
            "duplicate stage name '\(name)' (stage \(first + 1) already has it)"
        case .unknownDependency(let name, _, _, let known):
            "unknown stage '\(name)' in after:" + DidYouMean.suffix(for: name, among: known)
        case .cycle(_, let names) where names.count > 2 * StagePath.shownEnds + 1:
            "dependency cycle through \(names.count - 1) stages: " + StagePath.text(names)
        case .cycle(_, let names):
            "dependency cycle: " + StagePath.text(names)
        }
    }

    /// The stage the problem is reported at.
    public var stage: Int {
        switch self {
        case .duplicateName(_, let stage, _), .unknownDependency(_, let stage, _, _): stage
        case .cycle(let stages, _): stages[0]
        }
    }
}
