/// How a run is carried out: the `mpibatch run` options that reach the runtime.
public struct RunConfiguration: Sendable {
    /// The job's name, for the summary.
    public var name: String
    /// Where `results.jsonl`, `summary.json` and `logs/` go (`--out`).
    public var outputDirectory: String
    /// How chunks are sized (`--chunk`).
    public var chunkPolicy: ChunkPolicy
    /// Stop at the first task that fails for good (`--fail-fast`).
    public var failFast: Bool

    /// Makes a configuration.
    public init(name: String, outputDirectory: String, chunkPolicy: ChunkPolicy = .auto, failFast: Bool = false) {
        self.name = name
        self.outputDirectory = outputDirectory
        self.chunkPolicy = chunkPolicy
        self.failFast = failFast
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
    public static func execute(
        workload: any Workload, transport: any Transport, slotsPerRank: [Int], host: String,
        configuration: RunConfiguration
    ) async throws -> RunSummary? {
        let rank = transport.rank
        let worker = Worker(
            rank: rank, slots: slotsPerRank[rank], workload: workload,
            outputDirectory: configuration.outputDirectory,
            sendToCoordinator: { transport.send($0.encoded(), to: 0) })
        guard rank == 0 else {
            transport.start { source, bytes in worker.receive(decode(bytes, from: source)) }
            await worker.run(host: host)
            transport.stop()
            return nil
        }

        try OutputFile.makeDirectory(configuration.outputDirectory)
        let journal = try Journal(path: configuration.outputDirectory + "/results.jsonl", workload: workload)
        let coordinator = Coordinator(
            source: workload.makeWorkSource(policy: configuration.chunkPolicy, totalSlots: slotsPerRank.reduce(0, +)),
            retries: workload.retries, failFast: configuration.failFast, slotsPerRank: slotsPerRank,
            reducer: workload.makeReducer())
        let driver = CoordinatorDriver(
            coordinator: coordinator, statistics: RunStatistics(slotsPerRank: slotsPerRank, retries: workload.retries),
            transport: transport, journal: journal)
        transport.start { source, bytes in
            let message = decode(bytes, from: source)
            switch message {
            case .assign, .stop: worker.receive(message)
            case .request, .results, .done: driver.handle(message, from: source)
            }
        }
        driver.start()
        await worker.run(host: host)
        await driver.finished.wait()
        transport.stop()
        try journal.close()
        let summary = driver.summary(
            name: configuration.name, policy: configuration.chunkPolicy, slotsPerRank: slotsPerRank)
        try OutputFile.replace(configuration.outputDirectory + "/summary.json", with: summary.json())
        return summary
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
