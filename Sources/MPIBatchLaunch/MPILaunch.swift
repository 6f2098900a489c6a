import Foundation
import MPIBatchCore
import MPIBatchJob
import MPIBatchReporting
import MPIBatchRuntime
import MPIBatchWorkloads
import SwiftMPI

/// Starts MPI, sizes this rank's pool from its node, agrees on the output
/// directory, runs, and finalises: what `mpibatch run` does on every rank.
/// Started alone (no `mpirun`, no launcher at all) the run has one rank and no MPI (`RankLink`).
public enum MPILaunch {
    /// What one rank needs to know to run.
    public struct Options: Sendable {
        /// Slots for this rank; nil means the node's cores ÷ the ranks on the node.
        public var slots: Int?
        /// The output directory; nil means `runs/<name>-<timestamp>/`, chosen on rank 0.
        public var outputDirectory: String?
        /// How the run behaves.
        public var behaviour: RunBehaviour
        /// Called on rank 0 with the summary and the output directory as soon as `summary.json`
        /// is written, before the report page and MPI's finalize: under `mpirun`, a Ctrl-C leaves
        /// a rank 1 s between SIGTERM and SIGKILL, and what it reports after that is lost.
        public var announce: (@Sendable (RunSummary, _ outputDirectory: String) -> Void)?

        /// Makes options.
        public init(slots: Int? = nil, outputDirectory: String? = nil, behaviour: RunBehaviour = RunBehaviour()) {
            self.slots = slots
            self.outputDirectory = outputDirectory
            self.behaviour = behaviour
        }
    }

    /// What a rank learns when the run ends. When `summary` names unresponsive
    /// ranks, MPI was not finalised: report, then `MPIEnvironment.abort` the job.
    public struct Outcome: Sendable {
        /// This rank's number.
        public var rank: Int
        /// The output directory used.
        public var outputDirectory: String
        /// The summary, on rank 0 only.
        public var summary: RunSummary?
    }

    /// Prepares this process to be a rank, before MPI starts: chooses Open MPI's shared-memory
    /// path when every rank of its job is on this node and nobody chose a point-to-point layer,
    /// which spares `MPI_Init` its probe of network libraries (`OneNodeTransport`), and widens
    /// Open MPI's default binding when it leaves the rank fewer CPUs than its slots
    /// (`DefaultBinding`; `requestedSlots` is `--slots`, nil for the default). Call it first
    /// thing, before any other thread starts: it may set a variable in the process's environment.
    public static func prepareProcess(requestedSlots: Int?) {
        OneNodeTransport.apply(environment: ProcessInfo.processInfo.environment)
        DefaultBinding.apply(requestedSlots: requestedSlots)
    }

    /// Watches the signals that stop a run from now on, so one that comes while the process
    /// is still loading its job or starting MPI is not lost to its default action: the run
    /// stops as soon as it starts, with its summary (see `SignalWatcher`). Call it first thing.
    public static func catchSignalsFromStart() {
        let continued = MPILauncher.current() == .mpirun ? [SIGCONT] : []
        SignalWatcher.catchFromStart(InterruptSignal.allCases.map(\.rawValue) + continued)
    }

    /// Runs the workload that `makeWorkload` builds for the output directory, on every rank.
    ///
    /// Throws `RunSetupError` on every rank, before any work, when rank 0 cannot
    /// prepare the output directory (a changed job on `--resume`, say) or a task asks
    /// for more cores than some rank has slots.
    ///
    /// - Parameter jobHash: identifies the job, so `--resume` can refuse a changed one
    ///   (a library user whose executable defines the work may leave it empty).
    public static func run(
        name: String, jobHash: String = "", options: Options,
        makeWorkload: (_ outputDirectory: String) throws -> any Workload
    ) async throws -> Outcome {
        let link = try RankLink.start(environment: ProcessInfo.processInfo.environment)
        let world = link.world
        let node = try link.node()
        let boundCPUs = options.behaviour.bindCores ? try nodeShareOfCPUs(node) : nil
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let slots = slotsOfRank(requested: options.slots, ranksOnNode: node.size)
        if world.rank == 0, let warning = crowdedSlotsWarning(slots: slots, requested: options.slots, allowedCPUs: Platform.allowedCPUs()) {
            Diagnostics.warning(warning)
        }
        // --slots auto: the coordinator is sized for the cap; the rank activates slots as it goes.
        let adaptive = options.behaviour.adaptiveSlots
        let cap = adaptive ? max(slots, options.behaviour.maxSlots ?? 4 * cores) : slots
        let slotsPerRank = try world.allgather(Int64(cap)).map { Int($0) }
        let chosen = options.outputDirectory ?? (world.rank == 0 ? makeDefaultOutputDirectory(name: name) : "")
        let outputDirectory = String(decoding: try world.broadcast(Array(chosen.utf8), root: 0), as: UTF8.self)
        let workload = try makeWorkload(outputDirectory)
        // A model's workers start now (if they did not before MPI, as this rank and slot would
        // start them), every rank's and slot's at once (any slot may be given the first task),
        // while rank 0 asks its first one what it runs under and prepares the run.
        workload.prestartWorkers(rank: world.rank, slots: 0..<slots, outputDirectory: outputDirectory)
        let host = try link.host()
        // Only when some task asks for GPUs or memory: the node's ranks agree on its pools.
        let widest = workload.largestResources
        let nodes = widest.asksNothing ? nil : try NodeAgreement.agree(world: world, node: node, host: host, override: options.behaviour.gpus)
        let firstOnNode = node.rank == 0
        let nodeOfRank = try NodeNumbers.ofRanks(world: world, node: node)
        try node.free()
        var behaviour = options.behaviour
        behaviour.boundCPUs = boundCPUs
        // Rank 0 reads the deadline (one squeue per job, not one per rank: 1,000 ranks would each
        // ask slurmctld) and tells the others, whose workers start no task past it either.
        let deadline = world.rank == 0 ? (behaviour.deadlineSeconds ?? SlurmJob.secondsUntilEnd()).map { "\($0)" } ?? "" : ""
        behaviour.deadlineSeconds = Double(String(decoding: try world.broadcast(Array(deadline.utf8), root: 0), as: UTF8.self))
        var configuration = RunConfiguration(name: name, outputDirectory: outputDirectory, behaviour: behaviour)
        configuration.nodeOfRank = nodeOfRank
        var prepared: PreparedRun?
        var refusal = ""
        var environment: RunEnvironment?
        if world.rank == 0,
            let problem = CoreFit.problem(widest: workload.widestTask, slotsPerRank: slotsPerRank) ?? nodes?.refusal(widest: widest)
        {
            refusal = problem
        } else if world.rank == 0 {
            // Before the directory is prepared: --resume under another numpy is refused before any block runs.
            // A SIGTERM meanwhile ends the wait: the run then stops before any block, with no note (asking
            // the interpreter what it is would delay its summary).
            var notes: [String] = []
            if let said = await SignalWatcher.unlessStopped({ await workload.resultEnvironment(outputDirectory: outputDirectory) }) {
                environment = said
                notes = workload.startNotes  // after: a worker's handshake may have said what the notes ask
            }
            for note in notes { Diagnostics.note(note) }
            do {
                prepared = try PreparedRun.prepare(
                    configuration: configuration, jobHash: jobHash, job: workload, taskCount: workload.taskCount,
                    keepValues: workload.keepsJournaledValues, notes: notes, environment: environment,
                    warn: { Diagnostics.warning($0) })
            } catch {
                refusal = String(describing: error)
            }
        }
        refusal = String(decoding: try world.broadcast(Array(refusal.utf8), root: 0), as: UTF8.self)
        guard refusal.isEmpty else {
            try link.finish()
            throw RunSetupError(reason: refusal)
        }
        // Each node's lowest rank writes its node's shard, when the part writes one per node: "PART OFFSET".
        let told = prepared?.shardedPart.map { "\($0.part) \($0.startOffset)" } ?? ""
        let sharded = String(decoding: try world.broadcast(Array(told.utf8), root: 0), as: UTF8.self).split(separator: " ")
        // Every rank's workers must run under rank 0's worker's environment: values never depend on the node.
        let rankZeros = environment.flatMap { try? JSONEncoder().encode($0) } ?? Data()
        let said = try world.broadcast(Array(rankZeros), root: 0)
        if let expected = try? JSONDecoder().decode(RunEnvironment.self, from: Data(said)) { workload.expectEnvironment(expected) }
        let launcher = MPILauncher.current() == .mpirun ? LauncherWatch() : nil
        var configured = configuration
        configured.ledger = try nodes?.own.resources.map { resources in
            try NodeLedger(resources: resources, outputDirectory: outputDirectory)
        }
        defer { if firstOnNode { configured.ledger?.remove() } }
        configured.nodes = nodes?.nodes?.compactMap(\.resources) ?? []
        if sharded.count == 2, let part = Int(sharded[0]), let startOffset = Double(sharded[1]) {
            configured.shardedPart = (part, startOffset)
        }
        // The workers kept for later tasks exit as soon as this rank's tasks are done (a dbt
        // worker ends its session, closes the database and writes its log) while the run ends;
        // the rank waits for them, so that they are gone, their files closed, when mpirun returns.
        let retired = DispatchGroup()
        defer { _ = retired.wait(timeout: .now() + WorkerRetirement.waitSeconds) }
        let finalization = MPIFinalization(link: link, launcher: launcher)
        let summary = try await BatchRun.execute(
            workload: workload, transport: link.transport(), slotsPerRank: slotsPerRank,
            host: host, configuration: configured, prepared: prepared,
            signals: InterruptSignal.allCases, initialSlots: adaptive ? slots : nil, launcher: launcher,
            announce: options.announce, retired: retired, messagesOver: finalization.start)
        try finalization.wait()
        return Outcome(rank: world.rank, outputDirectory: outputDirectory, summary: summary)
    }

    /// A rank's slots: `requested` (`--slots`), else the node's cores shared by its `ranksOnNode` ranks.
    static func slotsOfRank(requested: Int?, ranksOnNode: Int) -> Int {
        requested ?? max(1, ProcessInfo.processInfo.activeProcessorCount / ranksOnNode)
    }

    /// `mpibatch run`'s exit status when ranks were lost (a node died or hung): the
    /// journal and summary are written and the run is resumable.
    public static let lostRanksExitStatus: Int32 = 4

    /// Ends a run whose `summary` names unresponsive ranks (MPI could not be
    /// finalised), then aborts the whole job with `lostRanksExitStatus`. When a whole
    /// node went silent, it first leaves the launcher its grace (`mpirun`: 6 s to
    /// notice the lost node itself; `srun`: none); a hung process on a node whose other
    /// ranks answer (its daemon is alive) is aborted at once.
    public static func endAfterLostRanks(lostSilentNode: Bool) -> Never {
        if lostSilentNode { Thread.sleep(forTimeInterval: MPILauncher.current().graceSeconds) }
        MPIEnvironment.abort(errorCode: lostRanksExitStatus)
    }

    /// A new directory `runs/NAME-20261123-110512` (UTC), created here so that no other run
    /// can have it: when that name is taken (a run started in the same second), `…-110512-2`,
    /// `-3` and so on. A name that does not follow `NameRule` (a library caller's) is made
    /// to, so the directory is always a child of `runs/`. When `runs/` cannot be written, the
    /// first name is returned uncreated and preparing the run reports why.
    static func makeDefaultOutputDirectory(name: String, in parent: String = "runs") -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let stamp = String(
            format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
            parts.tm_min, parts.tm_sec)
        let stem = "\(parent)/\(NameRule.conforming(name, fallback: "job"))-\(stamp)"
        mkdir(parent, 0o755)
        for attempt in 1...10_000 {
            let candidate = attempt == 1 ? stem : "\(stem)-\(attempt)"
            if mkdir(candidate, 0o755) == 0 { return candidate }
            if errno != EEXIST { break }
        }
        return stem
    }
}

/// Rank 0 could not prepare the run; every rank stops before any work (exit status 2).
public struct RunSetupError: Error, Sendable, CustomStringConvertible {
    /// What rank 0 said.
    public let reason: String
    /// The reason, as rank 0 gave it.
    public var description: String { reason }
}
