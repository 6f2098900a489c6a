import Foundation
import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchReporting
import MPIBatchRuntime
import MPIBatchScheduling
import MPIBatchWorkloads

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
    /// - Parameter launcher: under `mpirun`, the watch on it that a SIGCONT starts (see `LauncherWatch`).
    /// - Parameter announce: called on rank 0 with the summary and the output directory as
    ///   soon as `summary.json` is written, before the report page: a rank that `mpirun` is
    ///   killing still reports.
    /// - Parameter retired: entered for each persistent worker that the workload kept for later
    ///   tasks (`TaskExecutor.retireWorkers`) and that this rank retires as soon as its tasks are
    ///   done, before rank 0 writes the summary and reports, until that worker is gone: the
    ///   caller waits for it before the process ends.
    /// - Parameter messagesOver: called once this rank has sent and received its last message (its
    ///   transport stopped), with whether some rank went silent: MPI may be finalised from then on,
    ///   while rank 0 writes its summary and reports (`MPIFinalization`).
    public static func execute(
        workload: any Workload, transport: any Transport, slotsPerRank: [Int], host: String,
        configuration: RunConfiguration, prepared: PreparedRun?, signals: [InterruptSignal] = [],
        initialSlots: Int? = nil, launcher: LauncherWatch? = nil,
        announce: (@Sendable (RunSummary, _ outputDirectory: String) -> Void)? = nil, retired: DispatchGroup = DispatchGroup(),
        messagesOver: @escaping @Sendable (_ ranksLost: Bool) -> Void = { _ in }
    ) async throws -> RunSummary? {
        let rank = transport.rank
        let adaptive = initialSlots.map {
            AdaptiveSlots(initial: $0, cap: slotsPerRank[rank], cores: Double($0))
        }
        // On the monotonic clock; every rank reads it at about the same moment (after a collective).
        let deadline = configuration.behaviour.deadlineSeconds.map { MonotonicClock.seconds() + $0 }
        func makeWorker(sendToCoordinator: @escaping @Sendable (RuntimeMessage) -> Void) -> Worker {
            Worker(
                rank: rank, slots: slotsPerRank[rank], workload: workload,
                outputDirectory: configuration.outputDirectory, failFast: configuration.behaviour.failFast,
                deadline: deadline, adaptive: adaptive, boundCPUs: configuration.behaviour.boundCPUs, ledger: configuration.ledger,
                sendToCoordinator: sendToCoordinator)
        }
        let nodes = NodePlaces(nodeOfRank: configuration.nodeOfRank, sharded: configuration.shardedPart != nil)
        guard rank == 0 else {
            let writer = configuration.shardedPart.flatMap { sharded in
                nodes.writer(of: rank) != rank ? nil : NodeWriter(
                    rank: rank, peers: nodes.peers(of: rank),
                    shard: JournalShards.path(node: nodes.node(of: rank), part: sharded.part, in: configuration.outputDirectory),
                    part: sharded.part, startOffset: sharded.startOffset, workload: workload,
                    keepsValues: workload.keepsJournaledValues || !workload.stopRules.isEmpty, cores: { workload.cores(of: $0) },
                    transport: transport)
            }
            // A rank whose node has a writer of its own talks to it (its own worker's messages as they are);
            // its heartbeats go to rank 0 as well while the writer does not answer them.
            let writerRank = nodes.writer(of: rank)
            let writerWatch = WriterWatch()
            let worker = makeWorker { message in
                if let writer {
                    transport.post { writer.handle(message, from: rank) }
                    return
                }
                let bytes = message.encoded()
                transport.send(bytes, to: writerRank)
                if writerRank != 0, case .heartbeat = message, writerWatch.beatsToRankZero() { transport.send(bytes, to: 0) }
            }
            let watcher = watch(signals, worker: worker, rank: rank, configuration: configuration, launcher: launcher) {
                transport.send(RuntimeMessage.interrupt(reason: "interrupted: \($0)").encoded(), to: 0)
            }
            transport.start { source, bytes in
                let message = decode(bytes, from: source)
                switch message {
                case .assign, .stop, .cancel: worker.receive(message)
                case .heard: writerWatch.heard()
                case .request, .results, .done, .interrupt, .heartbeat, .heartbeats, .relayed, .abort, .finished: writer?.handle(message, from: source)
                }
            }
            await worker.run(host: host, heartbeatSeconds: configuration.behaviour.heartbeatSeconds)
            workload.retireWorkers(ended: retired)
            await writer?.closed.wait()  // the node's other ranks are done and its shard is closed
            transport.stop()
            messagesOver(false)
            watcher.detach()
            return nil
        }

        // A fresh run's reports are gathered as its journal is written; a resumed one's timeline
        // also draws the earlier parts, and a run over several nodes has lines rank 0 never sees
        // (each node's writer journals its own): those read the journal back at the end.
        let reportFeed = prepared?.resumed == nil && !nodes.hasWriters ? RunReportFeed() : nil
        let journal = try Journal(
            path: prepared?.shards?.paths[0] ?? configuration.outputDirectory + "/" + JournalShards.singleName, workload: workload,
            startOffset: prepared?.resumed?.startOffset ?? 0, part: prepared?.shards?.part, observer: reportFeed)
        let driver = CoordinatorDriver(
            coordinator: makeCoordinator(
                workload, slotsPerRank, configuration, deadline: deadline, prepared?.resumed, numbersDispatches: prepared?.shards != nil),
            statistics: RunStatistics(
                slotsPerRank: slotsPerRank, retries: { workload.retries(of: $0) }, cores: { workload.cores(of: $0) }),
            transport: transport, journal: journal, stageValues: workload.stageValues,
            outputDirectory: configuration.outputDirectory, earlierStops: prepared?.resumed?.earlyStops ?? [],
            earlierCancelledStages: prepared?.resumed?.cancelledStages ?? [],
            expandStage: (workload as? StageGraphWorkload)?.expandStage)  // only stage graphs have run-time tables
        // Rank 0's own worker hands its messages to the coordinator on the transport's thread, where
        // the other ranks' arrive, as they are: neither encoded nor decoded (most of a 2-rank run's records).
        let worker = makeWorker { message in transport.post { driver.handle(message, from: 0) } }
        let watcher = watch(signals, worker: worker, rank: rank, configuration: configuration, launcher: launcher) {
            driver.interrupt(reason: $0)
        }
        let publisher = try StatusPublisher(
            directory: configuration.outputDirectory, name: configuration.name,
            run: StatusPublisher.Run(
                figures: driver.liveFigures, stop: driver.requestStop, cancel: driver.requestCancel,
                cancelStage: driver.requestCancelStage))
        transport.start { source, bytes in
            let message = decode(bytes, from: source)
            switch message {
            case .assign, .stop, .cancel: worker.receive(message)
            case .request, .results, .done, .interrupt, .heartbeat, .heartbeats, .relayed, .abort, .finished, .heard:
                driver.handle(message, from: source)
            }
        }
        journal.onFailure { error in driver.abort(reason: "journal: \(error)") }
        driver.start(silenceLimitSeconds: configuration.behaviour.heartbeatTimeoutSeconds)
        let progress = configuration.behaviour.showsProgress ? ProgressReporter(counts: driver.counts) : nil
        await worker.run(host: host, heartbeatSeconds: configuration.behaviour.heartbeatSeconds)
        workload.retireWorkers(ended: retired)
        await driver.finished.wait()
        publisher.endLive()
        progress?.stop()
        driver.close()
        transport.stop()
        messagesOver(driver.ranksWentSilent())
        watcher.detach()
        // Rank 0's shard (or results.jsonl), then each node writer's last word on its own.
        let journalFailures = [journal.close()].compactMap { $0.map { ("\($0.error)", $0.unwrittenSucceeded) } } + driver.shardFailures()
        var summary = driver.summary(
            name: configuration.name, policy: configuration.behaviour.chunkPolicy, slotsPerRank: slotsPerRank,
            earlierParts: prepared?.resumed?.earlierParts ?? [])
        summary.coreWeighted = workload.widestTask.cores > 1
        summary.gpuOccupancy = summary.gpuOccupancy(
            devicesPerHost: Dictionary(configuration.nodes.map { ($0.host, $0.gpus.devices.count) }, uniquingKeysWith: { first, _ in first }))
        summary.extraLines += summary.gpuOccupancy.map(\.line)
        summary.tasksRerunChanged = prepared?.resumed?.changedToRerun ?? 0
        summary.extraLines = (prepared?.notes ?? []) + summary.extraLines  // the interpreter of python: tasks, say
        if let (error, _) = journalFailures.first {
            let unwritten = journalFailures.reduce(0) { $0 + $1.1 }
            summary.tasksSucceeded -= unwritten
            summary.journalFailure = "\(error); the run stopped, and \(unwritten) successful tasks whose lines were not "
                + "written will run again on --resume"
        }
        let directory = configuration.outputDirectory
        // One pass over the journal for every report (gathered during the run, or read back now);
        // without it the summary still goes out.
        let pass = Result { () throws(RunFileError) in
            if let reportFeed { return reportFeed.finished() }
            return try RunReportPass(directory: directory, summary: summary, findings: true)
        }
        summary.findings = RunFindings.make(summary: summary, tasks: try? pass.get().taskTimes, source: driver.sourceFindings())
        if workload.largestResources.memoryBytes == 0, let peaks = try? pass.get().memoryPeaks {
            if let overcommit = RunFindings.memoryOvercommit(peaks, hosts: summary.ranks.map(\.host), nodeMemory: nodeMemory(configuration)) {
                summary.findings.append(overcommit)
            } else if peaks.overflowed {
                summary.extraLines.append(
                    "memory_overcommit not checked: more than \(NumberText.grouped(MemoryPeaks.keptAttempts)) attempts of the last "
                        + "part measured their peak memory, and the check holds at most that many")
            }
        }
        do {
            try OutputFile.replace(configuration.outputDirectory + "/summary.json", with: summary.json())
        } catch {
            Diagnostics.say("summary not written: \(error)")
            summary.journalFailure = summary.journalFailure ?? "summary.json not written: \(error)"
            publisher.finish(summary: summary)
            prepared?.lock.release()
            announce?(summary, directory)
            return summary
        }
        publisher.finish(summary: summary)
        // An interrupted run speaks before drawing its pictures: under mpirun its ranks may be
        // killed a moment later. A whole run names its report page once the page is written.
        let speaksFirst = summary.interrupted || !summary.unresponsiveRanks.isEmpty
        if speaksFirst { announce?(summary, directory) }
        do {
            summary.reportPage = try RunReports.write(directory: directory, summary: summary, pass: pass.get())
        } catch {
            // The results are safe; a picture that cannot be drawn must not fail the run.
            Diagnostics.say("timeline or report page not written: \(error)")
        }
        if !speaksFirst { announce?(summary, directory) }
        prepared?.lock.release()
        return summary
    }

    /// Watches `signals` on `rank`: each stops the worker's starts and the run (through `stop`,
    /// given the reason). Under `mpirun` (a `launcher` to watch), SIGCONT holds the worker's
    /// starts and watches the launcher, whose end stops the run at once.
    private static func watch(
        _ signals: [InterruptSignal], worker: Worker, rank: Int, configuration: RunConfiguration,
        launcher: LauncherWatch?, stop: @escaping @Sendable (String) -> Void
    ) -> SignalWatcher {
        let continued = launcher != nil && !signals.isEmpty ? [SIGCONT] : []
        return SignalWatcher.attach(signals.map(\.rawValue) + continued) { number, repeated in
            guard let signal = InterruptSignal(rawValue: number) else {
                worker.hold(seconds: LauncherWatch.holdSeconds)
                launcher?.watch {
                    worker.interrupt(graceSeconds: 0)
                    stop("mpirun ended (Ctrl-C twice?) while rank \(rank) ran")
                }
                return
            }
            worker.interrupt(graceSeconds: signal.graceSeconds(configured: configuration.behaviour.graceSeconds, repeated: repeated))
            stop("\(signal.name) on rank \(rank)")
        }
    }

    /// Each node's memory for the memory finding: the nodes' agreed budgets when some task asked
    /// for GPUs or memory, else this node's (`NodeMemory`), taken for every node's.
    private static func nodeMemory(_ configuration: RunConfiguration) -> @Sendable (String) -> Int {
        if !configuration.nodes.isEmpty {
            let known = Dictionary(configuration.nodes.map { ($0.host, $0.memoryBytes) }, uniquingKeysWith: { first, _ in first })
            return { known[$0] ?? 0 }
        }
        let here = NodeMemory.allocation(environment: ProcessInfo.processInfo.environment)?.bytes ?? 0
        return { _ in here }
    }

    /// Rank 0's scheduler for `workload`, carrying on from an earlier run when resuming; a
    /// sharded part's numbers its assignments (`numbersDispatches`).
    private static func makeCoordinator(
        _ workload: any Workload, _ slotsPerRank: [Int], _ configuration: RunConfiguration, deadline: Double?,
        _ resumed: ResumedWork?, numbersDispatches: Bool
    ) -> Coordinator {
        var source = workload.makeWorkSource(policy: configuration.behaviour.chunkPolicy, totalSlots: slotsPerRank.reduce(0, +))
        if let resumed {
            source = source.resumed(
                taskCount: workload.taskCount, done: resumed.succeeded, failed: IndexRanges(resumed.failedAttempts.keys),
                values: Dictionary(resumed.values.map { ($0.index, $0.value) }, uniquingKeysWith: { $1 }))
        }
        var limitUses: (@Sendable (Int) -> LimitUses)?
        if workload.usesLimits { limitUses = { workload.limitUses(of: $0) } }
        var coordinator = Coordinator(
            source: source, retries: { workload.retries(of: $0) }, failFast: configuration.behaviour.failFast, slotsPerRank: slotsPerRank,
            reducer: workload.makeReducer(), graceSeconds: configuration.behaviour.graceSeconds,
            deadline: deadline,
            stopRules: workload.stopRules,
            limitUses: limitUses, numbersDispatches: numbersDispatches)
        coordinator.placeRanks(nodeOfRank: configuration.nodeOfRank)
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
