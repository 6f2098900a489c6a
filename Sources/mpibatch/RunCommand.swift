import ArgumentParser
import Foundation
import MPIBatch
import SwiftMPI

/// `mpibatch run JOB`: every rank runs this; rank 0 coordinates and reports.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a job file on every rank of this MPI job (or alone).",
        discussion: """
            """)

    @Argument(help: "The job: a YAML or JSON job file, or a text file with one shell command per line.")
    var job: String

    @Option(help: "Output directory (default: runs/<name>-<timestamp>/).")
    var out: String?

    @Option(help: "Concurrent tasks per rank: a number, or auto (start at the cores and add slots while tasks wait). Default: the node's cores ÷ the ranks on the node.")
    var slots: SlotsOption?

    @Option(help: "With --slots auto: the most slots a rank may use (default 4 × the node's cores).")
    var maxSlots: Int?

    @Option(help: "Chunk sizing: auto, static, dynamic or guided.")
    var chunk: ChunkPolicy = .auto

    @Flag(help: "Continue the run in --out (required): run only the tasks without an ok result.")
    var resume = false

    @Flag(help: "With --resume: continue even though the job file changed.")
    var force = false

    @Flag(help: "With --resume: also run again what `mpibatch cancel` cancelled, tasks or a stage with the stages it skipped (by default they stay cancelled).")
    var retryCancelled = false

    @Flag(help: "Stop at the first task that fails after its retries.")
    var failFast = false

    @Option(help: "After a signal, seconds running tasks get to finish before they are cancelled (under mpirun, SIGTERM and SIGINT give at most 0.25 s).")
    var grace: Double = 30

    @Option(help: "Start no task that would not finish by then: a duration (90s, 45m, 2h) or a time (HH:MM). Default inside Slurm: the job's time limit.")
    var deadline: String?

    @Option(help: "Give up on a rank silent this many seconds (fail instead of hanging).")
    var heartbeatTimeout: Double = RunBehaviour.defaultHeartbeatTimeoutSeconds

    @Option(help: "Monte Carlo: rerun path N alone and print its value (to reproduce a failure).")
    var onlyPath: Int?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Option(help: "cores: pin each command task to CPUs of its own inside the rank's affinity mask (MPIBATCH_CORES); none: do not (the default, or the job's bind:).")
    var bind: BindOption?
    @Option(help: "The GPUs of every node for gpus: tasks, e.g. 0,1,2,3 (default: what the ranks inherited in CUDA_VISIBLE_DEVICES or ROCR_VISIBLE_DEVICES, see the README).")
    var gpus: String?

    func validate() throws {
        try OutDirectoryCheck.validate(out)
        if resume, out == nil {
            throw ValidationError("--resume needs --out DIR, the directory of the run to continue")
        }
        let problems = [
            slots?.count.flatMap { RunOptionBounds.slotsProblem($0) },
            maxSlots.flatMap { RunOptionBounds.slotsProblem($0).map { $0.replacingOccurrences(of: "--slots", with: "--max-slots") } },
            maxSlots != nil && slots != .auto ? "--max-slots goes with --slots auto" : nil,
            retryCancelled && !resume ? "--retry-cancelled goes with --resume" : nil,
            RunOptionBounds.graceProblem(grace),
            RunOptionBounds.heartbeatTimeoutProblem(heartbeatTimeout),
            deadline.flatMap { RunOptionBounds.deadlineProblem($0, now: Date()) },
        ]
        if let problem = problems.compactMap({ $0 }).first { throw ValidationError(problem) }
    }

    func run() async throws {
        MPILaunch.prepareProcess(requestedSlots: slots?.count)  // before any thread that reads the environment
        // Before the job is read (a large one takes a while, more so under load): until then a
        // SIGUSR1 or SIGTERM that mpirun forwards ends the rank by its default action, with no
        // summary. Not for --only-path, which runs no run to attach them and stays interruptible.
        if onlyPath == nil { MPILaunch.catchSignalsFromStart() }  // the run attaches to them (unless it is refused)
        let spec: JobSpec
        do {
            spec = try JobLoader.load(path: job, kernels: KernelCatalog.builtIn)
        } catch {
            throw fail(error, status: 2)
        }
        if let onlyPath { return try await rerunPath(onlyPath, of: spec) }
        var behaviour = RunBehaviour(
            chunkPolicy: chunk, failFast: failFast, resume: resume, force: force, graceSeconds: grace,
            deadlineSeconds: deadline.flatMap { DeadlineParser.seconds(from: $0, now: Date()) },
            heartbeatTimeoutSeconds: heartbeatTimeout, showsProgress: !quiet)
        behaviour.adaptiveSlots = slots == .auto
        behaviour.maxSlots = maxSlots
        behaviour.retryCancelled = retryCancelled
        behaviour.bindCores = bind.map { $0 == .cores } ?? spec.bindCores
        behaviour.gpus = gpus
        var options = MPILaunch.Options(slots: slots?.count, outputDirectory: out, behaviour: behaviour)
        options.announce = { [job, quiet, resume] summary, directory in
            Self.announce(summary, directory: directory, job: job, quiet: quiet, resume: resume)
        }
        let outcome: MPILaunch.Outcome
        do {
            outcome = try await MPILaunch.run(job: spec, kernels: .builtIn, options: options)
        } catch let refusal as RunSetupError {
            throw fail(refusal, status: 2)
        }
        guard let summary = outcome.summary else { return }
        if !summary.unresponsiveRanks.isEmpty { MPILaunch.endAfterLostRanks(lostSilentNode: summary.lostSilentNode) }
        if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }

    /// What rank 0 says when the run ends (as soon as `summary.json` is written): the summary,
    /// or that a resume found nothing to do; last, for a run that can go on, the command that continues it.
    private static func announce(_ summary: RunSummary, directory: String, job: String, quiet: Bool, resume: Bool) {
        let resumable = summary.interrupted || !summary.unresponsiveRanks.isEmpty
        if !quiet {
            let nothingToDo = resume && !resumable && summary.parts.last?.attempts == 0
            let text =
                nothingToDo
                ? "mpibatch: nothing to do: every task of the run in \(directory)/ has already run "
                    + "(\(summary.tasksSucceeded)/\(summary.tasksTotal) ok)\n"
                : summary.humanText(directory: directory) + "results in \(directory)/"
                    + (summary.reportPage.map { ", report: \($0)" } ?? "") + "\n"
            Diagnostics.write(text)
        }
        if resumable {
            // Even with --quiet: the one thing an interrupted run must say is how to go on.
            let command = ContinueCommand.text(job: job, outputDirectory: directory, ranks: summary.slotsPerRank.count)
            Diagnostics.say("continue with: \(command)")
        }
    }

    private func rerunPath(_ path: Int, of spec: JobSpec) async throws {
        guard case .monteCarlo(let monteCarlo) = spec.body else {
            throw fail("--only-path needs a montecarlo: job; \(job) is not one", status: 2)
        }
        guard (0..<monteCarlo.paths).contains(path) else {
            throw fail("--only-path \(path) is outside the job's \(monteCarlo.paths) paths", status: 2)
        }
        if monteCarlo.model != nil { return try await ModelPathRerun.run(path, of: monteCarlo) }
        let workload: MonteCarloWorkload
        do {
            workload = try MonteCarloWorkload(spec: monteCarlo, kernels: KernelCatalog.builtIn.monteCarloKernels)
        } catch {
            throw fail(error, status: 2)
        }
        let value = workload.value(ofPath: path)
        print("path \(path) (seed \(monteCarlo.seed)) of \(monteCarlo.kernel): \(value)")
        if !value.isFinite { throw ExitCode(1) }
    }

    /// Reports `error` and exits `status`. Under a launcher only rank 0 reports bad input (every
    /// rank reads the same job); the others end quietly with status 0, so that the launcher's
    /// exit status is rank 0's and its banner names one process.
    private func fail(_ error: Any, status: Int32) -> ExitCode {
        guard status != 2 || LaunchRank.isFirst else { return ExitCode(0) }
        Diagnostics.say("\(error)")
        return ExitCode(status)
    }
}

extension ChunkPolicy: ExpressibleByArgument {}

/// `--slots N` or `--slots auto`.
enum SlotsOption: Equatable, ExpressibleByArgument {
    case fixed(Int)
    case auto

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let count = Int(argument) {
            self = .fixed(count)
        } else {
            return nil
        }
    }

    /// The number given, if one was.
    var count: Int? {
        if case .fixed(let count) = self { count } else { nil }
    }
}

/// `--bind cores|none`.
enum BindOption: String, ExpressibleByArgument, CaseIterable {
    case cores, none
}
