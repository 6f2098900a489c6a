import MPIBatchCore
import MPIBatchJournal
import MPIBatchReporting
import MPIBatchScheduling

/// The run's figures, read from what the loop owned once it is closed.
extension CoordinatorDriver {
    /// What the work source found about the run; call after `close`.
    func sourceFindings() -> [Finding] {
        owned.withLock { $0.coordinator.workSource.findings() }
    }

    /// Whether some rank went silent (the summary's unresponsive ranks); call after `close`.
    func ranksWentSilent() -> Bool {
        owned.withLock { !$0.coordinator.unresponsive.isEmpty }
    }

    /// What the node writers said of their shards in their `done`: each write that failed, with
    /// the successful attempts it left unwritten; call after `close`.
    func shardFailures() -> [(String, Int)] {
        owned.withLock { owned in
            owned.coordinator.rankReports.compactMap { report in
                report.flatMap { $0.shardFailure.isEmpty ? nil : ($0.shardFailure, $0.unwrittenSucceeded) }
            }
        }
    }

    /// The run's figures, over `earlierParts` and this one; call after `close`, the transport
    /// stopped and the journal closed. This part's wall time runs from this driver's creation
    /// to now: the journal's last write counts.
    func summary(name: String, policy: ChunkPolicy, slotsPerRank configured: [Int], earlierParts: [RunPart]) -> RunSummary {
        effects.sync {}  // the last effects (a stage value, an early stop's record) are done
        return owned.withLock { owned in
            let coordinator = owned.coordinator
            // Under --slots auto a rank used fewer slots than it had: its figures count those.
            let slotsPerRank = configured.indices.map { rank in
                coordinator.rankReports[rank].map { $0.slotsUsed > 0 ? min($0.slotsUsed, configured[rank]) : configured[rank] }
                    ?? configured[rank]
            }
            let slotNotes = coordinator.rankReports.enumerated().compactMap { rank, report in
                report.flatMap { $0.slotsNote.isEmpty ? nil : "rank \(rank): \($0.slotsNote)" }
            }
            let statistics = owned.statistics
            var part = RunPart(startOffset: earlierParts.last.map { $0.startOffset + $0.wallSeconds } ?? 0, startedAt: startedAtEpoch)
            part.wallSeconds = Double(MonotonicClock.nanoseconds() &- startedAt) * 1e-9
            part.attempts = statistics.attempts
            part.taskSeconds = statistics.taskSeconds
            let parts = earlierParts + [part]
            let reports = coordinator.rankReports
            let reducer = coordinator.reducer
            var summary = RunSummary(
                name: name, chunkPolicy: policy, tasksTotal: coordinator.taskLimit - coordinator.workSource.reservedButUnused,
                tasksSucceeded: coordinator.succeeded, tasksFailed: coordinator.failed,
                attempts: parts.reduce(0) { $0 + $1.attempts }, wallSeconds: parts.reduce(0) { $0 + $1.wallSeconds },
                taskSeconds: parts.reduce(0) { $0 + $1.taskSeconds },
                slotsPerRank: slotsPerRank, stopReason: coordinator.stopReason, interrupted: coordinator.interrupted,
                unresponsiveRanks: coordinator.unresponsive.map { RunSummary.LostRank(rank: $0, host: coordinator.hosts[$0] ?? "?") },
                ranks: statistics.ranks.enumerated().map { rank, tally in
                    RunSummary.Rank(
                        rank: rank, host: reports[rank]?.host ?? "?", slots: slotsPerRank[rank], tasks: tally.tasks,
                        busySeconds: tally.busySeconds, cpuSeconds: reports[rank]?.cpuSeconds ?? 0,
                        maxTaskRSSBytes: tally.maxRSSBytes)
                },
                slots: statistics.slots.enumerated().flatMap { rank, slots in
                    slots.prefix(slotsPerRank[rank]).enumerated().map { slot, tally in
                        RunSummary.Slot(rank: rank, slot: slot, tasks: tally.tasks, busySeconds: tally.busySeconds)
                    }
                },
                failures: statistics.finalFailures.map {
                    RunSummary.Failure(
                        index: $0.index, rank: $0.rank, attempt: $0.attempt, status: $0.status, error: $0.error ?? "")
                },
                extraLines: (reducer?.humanSummary() ?? []) + coordinator.earlyStops.humanSummary()
                    + coordinator.workSource.humanSummary() + coordinator.leases.summaryLines + slotNotes,
                parts: parts, lostSilentNode: coordinator.lostSilentNode, earlyStops: coordinator.earlyStops.summary(),
                tasksCancelled: coordinator.cancelled, tasksSettledByEarlyStops: coordinator.earlyStops.settledByStops,
                tasksCancelledByUser: coordinator.cancelledByUser,
                failuresInStoppedScopes: coordinator.earlyStops.failuresInStoppedScopes)
            summary.add(reducer?.summaryFigures())
            summary.add(coordinator.workSource.summaryFigures())
            summary.gpuSecondsPerRank = statistics.gpuSeconds
            summary.impossibleMessages = coordinator.impossibleMessages.count
            if summary.impossibleMessages > 0 {
                summary.extraLines.append("\(summary.impossibleMessages) impossible messages ignored (see the warnings above)")
            }
            return summary
        }
    }
}
