import Foundation

/// How a run behaves: the `mpibatch run` options every rank shares.
public struct RunBehaviour: Sendable {
    /// How chunks are sized (`--chunk`).
    public var chunkPolicy: ChunkPolicy
    /// Stop at the first task that fails for good (`--fail-fast`).
    public var failFast: Bool
    /// Continue the run already in the output directory (`--resume`).
    public var resume: Bool
    /// Resume even though the job file changed (`--force`).
    public var force: Bool
    /// After a signal, how long running tasks may finish before they are cancelled (`--grace`).
    public var graceSeconds: Double
    /// Seconds from now after which no task is started that would not finish in time (`--deadline`);
    /// when launched through `MPILaunch`, nil means the Slurm job's end time inside one.
    public var deadlineSeconds: Double?
    /// A rank silent this long is given up on and the run fails (`--heartbeat-timeout`).
    public var heartbeatTimeoutSeconds: Double
    /// Whether rank 0 shows live progress on stderr (not with `--quiet`).
    public var showsProgress: Bool
    /// `--slots auto`: each rank starts with its cores' worth of slots and adds more while its
    /// tasks mostly wait, up to `maxSlots` (by default 4 × the node's cores).
    public var adaptiveSlots = false
    /// `--max-slots`: the cap of `--slots auto`, per rank.
    public var maxSlots: Int?

    /// Makes a behaviour; the defaults are `mpibatch run`'s.
    public init(
        chunkPolicy: ChunkPolicy = .auto, failFast: Bool = false, resume: Bool = false, force: Bool = false,
        graceSeconds: Double = 30, deadlineSeconds: Double? = nil,
        heartbeatTimeoutSeconds: Double = RunBehaviour.defaultHeartbeatTimeoutSeconds,
        showsProgress: Bool = false
    ) {
        self.chunkPolicy = chunkPolicy
        self.failFast = failFast
        self.resume = resume
        self.force = force
        self.graceSeconds = graceSeconds
        self.deadlineSeconds = deadlineSeconds
        self.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds
        self.showsProgress = showsProgress
    }

    /// Silence after which a rank is given up on, by default: short, so that a run that
    /// lost a node ends (journal and summary written) before Open MPI's keepalive
    /// takes the launch down (see `MPILauncher.graceSeconds`), yet five beats long.
    public static let defaultHeartbeatTimeoutSeconds = 5.0

    /// How often workers say they are alive: often enough that one lost beat never looks like silence.
    var heartbeatSeconds: Double { min(1, heartbeatTimeoutSeconds / 4) }
}

/// One run: its name, its output directory, and how it behaves.
public struct RunConfiguration: Sendable {
    /// The job's name, for the summary.
    public var name: String
    /// Where `results.jsonl`, `summary.json` and `logs/` go (`--out`).
    public var outputDirectory: String
    /// The options every rank shares.
    public var behaviour: RunBehaviour

    /// Makes a configuration.
    public init(name: String, outputDirectory: String, behaviour: RunBehaviour = RunBehaviour()) {
        self.name = name
        self.outputDirectory = outputDirectory
        self.behaviour = behaviour
    }
}

/// One rank's part of a run: every rank calls `BatchRun.execute` with the same
/// workload; rank 0 also coordinates, journals and summarises.
public enum BatchRun {
    /// Runs `workload` over `transport` until every task is done (or the run is
    /// stopped). Returns the summary on rank 0, nil elsewhere.
    ///
    /// - Parameter slotsPerRank: every rank's pool size, in rank order (the same on all ranks).
    /// - Parameter host: this rank's node name, for the summary.
    /// - Parameter prepared: rank 0's `PreparedRun` (ignored on other ranks).
    /// - Parameter signals: which signals interrupt the run (none in tests).
    public static func execute(
        workload: any Workload, transport: any Transport, slotsPerRank: [Int], host: String,
        configuration: RunConfiguration, prepared: PreparedRun?, signals: [InterruptSignal] = [],
        initialSlots: Int? = nil
    ) async throws -> RunSummary? {
        let rank = transport.rank
        let adaptive = initialSlots.map {
            AdaptiveSlots(initial: $0, cap: slotsPerRank[rank], cores: Double($0))
        }
        let worker = Worker(
            rank: rank, slots: slotsPerRank[rank], workload: workload,
            outputDirectory: configuration.outputDirectory, failFast: configuration.behaviour.failFast,
            adaptive: adaptive, sendToCoordinator: { transport.send($0.encoded(), to: 0) })
        guard rank == 0 else {
            let watcher = SignalWatcher(signals: signals) { signal in
                worker.interrupt(graceSeconds: signal.graceSeconds(configured: configuration.behaviour.graceSeconds))
                transport.send(RuntimeMessage.interrupt(reason: "\(signal.name) on rank \(rank)").encoded(), to: 0)
            }
            transport.start { source, bytes in worker.receive(decode(bytes, from: source)) }
            await worker.run(host: host, heartbeatSeconds: configuration.behaviour.heartbeatSeconds)
            transport.stop()
            watcher.cancel()
            return nil
        }

        let journal = try Journal(
            path: configuration.outputDirectory + "/results.jsonl", workload: workload,
            startOffset: prepared?.resumed?.startOffset ?? 0)
        let driver = CoordinatorDriver(
            coordinator: makeCoordinator(workload, slotsPerRank, configuration, prepared?.resumed),
            statistics: RunStatistics(
                slotsPerRank: slotsPerRank, retries: { workload.retries(of: $0) }, cores: { workload.cores(of: $0) }),
            transport: transport, journal: journal, stageValues: workload.stageValues,
            outputDirectory: configuration.outputDirectory, earlierStops: prepared?.resumed?.earlyStops ?? [],
            expandStage: (workload as? StageGraphWorkload)?.expandStage)  // only stage graphs have run-time tables
        let watcher = SignalWatcher(signals: signals) { signal in
            worker.interrupt(graceSeconds: signal.graceSeconds(configured: configuration.behaviour.graceSeconds))
            driver.interrupt(reason: "\(signal.name) on rank 0")
        }
        transport.start { source, bytes in
            let message = decode(bytes, from: source)
            switch message {
            case .assign, .stop, .cancel: worker.receive(message)
            case .request, .results, .done, .interrupt, .heartbeat: driver.handle(message, from: source)
            }
        }
        journal.onFailure { error in driver.abort(reason: "journal: \(error)") }
        driver.start(silenceLimitSeconds: configuration.behaviour.heartbeatTimeoutSeconds)
        let progress = configuration.behaviour.showsProgress ? ProgressReporter(counts: driver.counts) : nil
        await worker.run(host: host, heartbeatSeconds: configuration.behaviour.heartbeatSeconds)
        await driver.finished.wait()
        progress?.stop()
        transport.stop()
        watcher.cancel()
        let journalFailure = journal.close()
        var summary = driver.summary(
            name: configuration.name, policy: configuration.behaviour.chunkPolicy, slotsPerRank: slotsPerRank,
            earlierParts: prepared?.resumed?.earlierParts ?? [])
        summary.coreWeighted = workload.widestTask.cores > 1
        if let (error, unwritten) = journalFailure {
            summary.tasksSucceeded -= unwritten
            summary.journalFailure = "\(error); the run stopped, and \(unwritten) successful tasks whose lines were not "
                + "written will run again on --resume"
        }
        summary.findings = RunFindings.make(
            summary: summary, journal: configuration.outputDirectory + "/results.jsonl", source: driver.sourceFindings())
        do {
            try OutputFile.replace(configuration.outputDirectory + "/summary.json", with: summary.json())
        } catch {
            FileHandle.standardError.write(Data("mpibatch: summary not written: \(error)\n".utf8))
            summary.journalFailure = summary.journalFailure ?? "summary.json not written: \(error)"
            prepared?.lock.release()
            return summary
        }
        do {
            try Timeline.write(directory: configuration.outputDirectory)
            try ReportPage.write(directory: configuration.outputDirectory)
        } catch {
            // The results are safe; a picture that cannot be drawn must not fail the run.
            FileHandle.standardError.write(Data("mpibatch: timeline or report page not written: \(error)\n".utf8))
        }
        prepared?.lock.release()
        return summary
    }

    /// Rank 0's scheduler for `workload`, carrying on from an earlier run when resuming.
    private static func makeCoordinator(
        _ workload: any Workload, _ slotsPerRank: [Int], _ configuration: RunConfiguration,
        _ resumed: PreparedRun.ResumedWork?
    ) -> Coordinator {
        var source = workload.makeWorkSource(policy: configuration.behaviour.chunkPolicy, totalSlots: slotsPerRank.reduce(0, +))
        if let resumed {
            source = source.resumed(
                taskCount: workload.taskCount, done: resumed.succeeded, failed: IndexRanges(resumed.failedAttempts.keys),
                values: Dictionary(resumed.values.map { ($0.index, $0.value) }, uniquingKeysWith: { $1 }))
        }
        var coordinator = Coordinator(
            source: source, retries: { workload.retries(of: $0) }, failFast: configuration.behaviour.failFast, slotsPerRank: slotsPerRank,
            reducer: workload.makeReducer(), graceSeconds: configuration.behaviour.graceSeconds,
            deadline: configuration.behaviour.deadlineSeconds.map { MonotonicClock.seconds() + $0 },
            stopRules: workload.stopRules)
        if let resumed { coordinator.resume(from: resumed) }
        return coordinator
    }

    /// A message that does not decode is a bug or a mismatched binary on another rank: stop loudly.
    private static func decode(_ bytes: [UInt8], from source: Int) -> RuntimeMessage {
        do {
            return try RuntimeMessage(decoding: bytes, from: source)
        } catch {
            fatalError("rank \(source) sent \(error)")
        }
    }
}
