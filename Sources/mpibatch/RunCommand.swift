import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch run JOB`: every rank runs this; rank 0 coordinates and reports.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a job file on every rank of this MPI job (or alone).")

    @Argument(help: "The job: a YAML or JSON job file, or a text file with one shell command per line.")
    var job: String

    @Option(help: "Output directory (default: runs/<name>-<timestamp>/).")
    var out: String?

    @Option(help: "Concurrent tasks per rank (default: the node's cores ÷ the ranks on the node).")
    var slots: Int?

    @Option(help: "Chunk sizing: auto, static, dynamic or guided.")
    var chunk: ChunkPolicy = .auto

    @Flag(help: "Stop at the first task that fails after its retries.")
    var failFast = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if let slots, slots < 1 { throw ValidationError("--slots must be at least 1, got \(slots)") }
    }

    func run() async throws {
        let spec: JobSpec
        do {
            spec = try JobLoader.load(path: job)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        let outcome = try await MPILaunch.run(
            name: spec.name,
            options: MPILaunch.Options(slots: slots, outputDirectory: out, chunkPolicy: chunk, failFast: failFast),
            makeWorkload: { try WorkloadFactory.makeWorkload(for: spec, outputDirectory: $0) })
        guard let summary = outcome.summary else { return }
        if !quiet {
            FileHandle.standardError.write(Data((summary.humanText() + "results in \(outcome.outputDirectory)/\n").utf8))
        }
        if summary.tasksFailed > 0 || summary.tasksSucceeded < summary.tasksTotal { throw ExitCode(1) }
    }
}

extension ChunkPolicy: ExpressibleByArgument {}
