import Foundation
import SwiftMPI

/// Starts MPI, sizes this rank's pool from its node, agrees on the output
/// directory, runs, and finalises: what `mpibatch run` does on every rank.
/// Without `mpirun` MPI starts as a singleton and the run has one rank.
public enum MPILaunch {
    /// What one rank needs to know to run.
    public struct Options: Sendable {
        /// Slots for this rank; nil means the node's cores ÷ the ranks on the node.
        public var slots: Int?
        /// The output directory; nil means `runs/<name>-<timestamp>/`, chosen on rank 0.
        public var outputDirectory: String?
        /// How chunks are sized.
        public var chunkPolicy: ChunkPolicy
        /// Stop at the first task that fails for good.
        public var failFast: Bool

        /// Makes options.
        public init(slots: Int?, outputDirectory: String?, chunkPolicy: ChunkPolicy, failFast: Bool) {
            self.slots = slots
            self.outputDirectory = outputDirectory
            self.chunkPolicy = chunkPolicy
            self.failFast = failFast
        }
    }

    /// What a rank learns when the run ends.
    public struct Outcome: Sendable {
        /// This rank's number.
        public var rank: Int
        /// The output directory used.
        public var outputDirectory: String
        /// The summary, on rank 0 only.
        public var summary: RunSummary?
    }

    /// Runs the workload that `makeWorkload` builds for the output directory, on every rank.
    public static func run(
        name: String, options: Options, makeWorkload: (_ outputDirectory: String) throws -> any Workload
    ) async throws -> Outcome {
        try MPIEnvironment.initialize(requesting: .serialized)
        let world = try Communicator.world()
        let node = try world.splitSharedMemory()
        let slots = options.slots ?? max(1, ProcessInfo.processInfo.activeProcessorCount / node.size)
        try node.free()
        let slotsPerRank = try world.allgather(Int64(slots)).map { Int($0) }
        let chosen = options.outputDirectory ?? defaultOutputDirectory(name: name)
        let outputDirectory = String(decoding: try world.broadcast(Array(chosen.utf8)), as: UTF8.self)
        let workload = try makeWorkload(outputDirectory)
        let summary = try await BatchRun.execute(
            workload: workload, transport: MPITransport(communicator: world), slotsPerRank: slotsPerRank,
            host: try MPIEnvironment.processorName(),
            configuration: RunConfiguration(
                name: name, outputDirectory: outputDirectory, chunkPolicy: options.chunkPolicy,
                failFast: options.failFast))
        try MPIEnvironment.finalize()
        return Outcome(rank: world.rank, outputDirectory: outputDirectory, summary: summary)
    }

    /// `runs/NAME-20261123-110512`.
    static func defaultOutputDirectory(name: String) -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let stamp = String(
            format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
            parts.tm_min, parts.tm_sec)
        return "runs/\(name)-\(stamp)"
    }
}
