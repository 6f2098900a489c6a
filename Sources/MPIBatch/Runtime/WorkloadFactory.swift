/// Turns a parsed job into the workload every rank runs.
public enum WorkloadFactory {
    /// The workload for `spec`, writing task outputs under `outputDirectory`.
    public static func makeWorkload(
        for spec: JobSpec, kernels: KernelRegistry = .builtIn, outputDirectory: String
    ) throws -> any Workload {
        switch spec.body {
        case .sweep(let sweep):
            return try SweepWorkload(sweep: sweep, jobSeed: spec.seed, kernels: kernels)
        case .monteCarlo(let monteCarlo):
            return try MonteCarloWorkload(spec: monteCarlo)
        case .stages(let graph):
            return try StageGraphWorkload(graph: graph, jobSeed: spec.seed, kernels: kernels, outputDirectory: outputDirectory)
        }
    }
}
