import MPIBatchJob
import MPIBatchRuntime

/// Turns a parsed job into the workload every rank runs: the one place a spec becomes
/// what runs, its kernels built from the same catalog the job was loaded with.
public enum WorkloadFactory {
    /// The workload for `spec`, its kernels from `kernels`, writing task outputs under `outputDirectory`.
    public static func makeWorkload(
        for spec: JobSpec, kernels: KernelCatalog, outputDirectory: String
    ) throws -> any Workload {
        switch spec.body {
        case .sweep(let sweep):
            return try SweepWorkload(sweep: sweep, jobSeed: spec.seed, kernels: kernels.taskKernels)
        case .monteCarlo(let monteCarlo) where monteCarlo.model != nil:
            return try MonteCarloModelWorkload(spec: monteCarlo)
        case .monteCarlo(let monteCarlo):
            return try MonteCarloWorkload(spec: monteCarlo, kernels: kernels.monteCarloKernels)
        case .stages(let graph):
            return try StageGraphWorkload(graph: graph, jobSeed: spec.seed, kernels: kernels, outputDirectory: outputDirectory)
        }
    }
}
