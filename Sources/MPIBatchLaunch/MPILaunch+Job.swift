import Foundation
import MPIBatchJob
import MPIBatchRuntime
import MPIBatchWorkloads

extension MPILaunch {
    /// Runs `job` on every rank, its kernels built from `kernels`: the catalog it was
    /// loaded with (`JobLoader.load(path:kernels:)`), so a library user's own kernels run
    /// as task kernels, Monte Carlo kernels and stage bodies alike. `mpibatch run` is this
    /// with the built-in catalog.
    public static func run(job: JobSpec, kernels: KernelCatalog, options: Options) async throws -> Outcome {
        let make = { (outputDirectory: String) throws -> any Workload in
            try WorkloadFactory.makeWorkload(for: job, kernels: kernels, outputDirectory: outputDirectory)
        }
        let early = earlyWorkload(job: job, options: options, make: make)
        return try await run(name: job.name, jobHash: job.contentHash, options: options) { outputDirectory in
            if let early, early.outputDirectory == outputDirectory { return early.workload }
            return try make(outputDirectory)
        }
    }

    /// The workload made before MPI starts, its workers started, so that their start-up (a
    /// Python interpreter's and `import numpy`; an imported dbt job's worker imports dbt and
    /// parses the project) overlaps MPI's: a Monte Carlo model's, a `python:` or `worker:`
    /// sweep's, or a stage graph's whose first stage runs a worker (`prestartWorkers`). Only with `--out`
    /// (else rank 0 names the directory once MPI runs) and a launcher that says where this
    /// rank is (`LaunchPlace`); nil otherwise, or when the workload cannot be made (the run
    /// then makes it, and reports why, once MPI runs).
    static func earlyWorkload(
        job: JobSpec, options: Options, make: (String) throws -> any Workload
    ) -> (outputDirectory: String, workload: any Workload)? {
        switch job.body {
        case .monteCarlo(let spec) where spec.model != nil: break
        case .sweep(let sweep):
            guard case .worker = sweep.task.action else { return nil }
        case .stages: break
        case .monteCarlo: return nil
        }
        guard let outputDirectory = options.outputDirectory, let place = LaunchPlace.from(ProcessInfo.processInfo.environment),
            let workload = try? make(outputDirectory)
        else { return nil }
        let slots = slotsOfRank(requested: options.slots, ranksOnNode: place.ranksOnNode)
        workload.prestartWorkers(rank: place.rank, slots: 0..<slots, outputDirectory: outputDirectory)
        return (outputDirectory, workload)
    }
}
