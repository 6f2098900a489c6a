import MPIBatchJob
import MPIBatchWorkloads

extension MPILaunch {
    /// Runs `job` on every rank, its kernels built from `kernels`: the catalog it was
    /// loaded with (`JobLoader.load(path:kernels:)`), so a library user's own kernels run
    /// as task kernels, Monte Carlo kernels and stage bodies alike. `mpibatch run` is this
    /// with the built-in catalog.
    public static func run(job: JobSpec, kernels: KernelCatalog, options: Options) async throws -> Outcome {
        try await run(name: job.name, jobHash: job.contentHash, options: options) { outputDirectory in
            try WorkloadFactory.makeWorkload(for: job, kernels: kernels, outputDirectory: outputDirectory)
        }
    }
}
