import MPIBatchCore

extension TaskRecord {
    /// What rank 0 needs of an attempt that its node's writer journaled and sends it one by one
    /// (in a `SlotOutcome`: a failure, a cancellation, an interruption, a value rank 0 folds):
    /// its index, attempt, status, rank, slot and seconds (the schedule, the counts, each slot's
    /// busy time); its value only when rank 0 folds values (`keepingValue`: a reducer, a
    /// `stop_when:` or `race:`, a stage graph); a failure's error (the summary lists it); its
    /// usage and devices (the summary's per-rank, per-stage and GPU figures). Not its start,
    /// wall-clock time, exit status, log or dispatch number: its journal line holds them.
    package func forRankZero(keepingValue: Bool) -> TaskRecord {
        var kept = TaskRecord(
            index: index, attempt: attempt, status: status, rank: rank, slot: slot, start: 0, seconds: seconds,
            value: keepingValue ? value : .none, error: status == .failed || status == .timeout ? error : nil,
            usage: usage)
        kept.gpus = gpus
        return kept
    }
}
