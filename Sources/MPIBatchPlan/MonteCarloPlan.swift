import MPIBatchJob

/// What `mpibatch plan` and `validate` say of a `montecarlo:` job: its kernel, paths,
/// blocks, seed, parameters and precision target.
enum MonteCarloPlan {
    /// `ok: montecarlo N paths`.
    static func okLine(_ spec: MonteCarloSpec) -> String { "ok: montecarlo \(spec.paths) paths" }

    /// The plan's lines for `spec`.
    static func lines(_ spec: MonteCarloSpec) -> [String] {
        var lines = [
            "montecarlo: \(spec.model == nil ? "kernel" : "model") \(spec.kernel), \(spec.paths) paths in \(spec.blockCount) blocks of \(spec.block), seed \(spec.seed)"
        ]
        let params =
            spec.model.map { $0.params.map { "\($0.name)=\($0.value)" } }
            ?? spec.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.append("params: " + (params.isEmpty ? "(none)" : params.joined(separator: ", ")))
        if let target = spec.target { lines.append("target: \(target.humanDescription) (stops on whole blocks)") }
        return lines
    }
}
