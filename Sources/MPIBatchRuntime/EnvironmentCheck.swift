import MPIBatchCore

/// `--resume` of a run whose model's worker reported what it runs under (`RunEnvironment`):
/// another interpreter or numpy version than the run's last part is refused (nothing has run
/// yet), or with `--force` allowed and said (the run's notes name every environment it mixed).
struct EnvironmentCheck {
    /// The run's earlier parts, from `run.json`.
    let parts: [RunMetadata.Part]
    /// What the model's worker runs under now; nil when it did not say (then nothing is checked).
    let now: RunEnvironment?
    /// `run.json`, named by the refusal.
    let path: String

    /// The notes for the new part: none when every part ran under the same environment, else
    /// one naming each with its parts. Throws when the environment changed and `force` is off.
    func notes(force: Bool) throws(RunFileError) -> [String] {
        guard let now else { return [] }
        if !force, let number = parts.lastIndex(where: { $0.environment != nil }), let last = parts[number].environment, now.differs(from: last) {
            throw RunFileError(
                path: path,
                reason: "this run's model ran under \(last.versions) (part \(number + 1)), but its worker now runs under "
                    + "\(now.versions): path values depend on them, so the blocks still to run could differ from those of "
                    + "the journal; run under the same versions, or pass --force to resume anyway (run.json and the summary "
                    + "then say the run mixed them), or start again in a new --out")
        }
        var seen: [(environment: RunEnvironment, parts: [Int])] = []
        for (number, environment) in (parts.map(\.environment) + [now]).enumerated() {
            guard let environment else { continue }
            if let place = seen.firstIndex(where: { !$0.environment.differs(from: environment) }) {
                seen[place].parts.append(number + 1)
            } else {
                seen.append((environment, [number + 1]))
            }
        }
        guard seen.count > 1 else { return [] }
        let each = seen.map { "\($0.environment.versions) (part\($0.parts.count == 1 ? "" : "s") \($0.parts.map(String.init).joined(separator: ", ")))" }
        return ["this run mixed environments (resumed with --force): " + each.joined(separator: "; ")
            + "; blocks of different parts may hold path values of different builds"]
    }
}
