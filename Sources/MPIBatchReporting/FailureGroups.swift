import MPIBatchWorkloads

/// A run's failures as the human summary shows them: tasks that failed alike (the same
/// cause and the same last line of stderr) in one group, each group one line however much
/// its tasks printed, so a thousand identical failures take one line and not a thousand.
struct FailureGroup: Equatable {
    /// What the group's tasks share: the cause, then the last line of stderr, marked with
    /// `…` where earlier lines or the line's own end were cut.
    var excerpt: String
    /// The indices of its tasks.
    var indices: [Int]

    /// Groups shown at most; the failures beyond them are counted in one line.
    static let shownGroups = 5
    /// Characters of an excerpt shown at most.
    static let excerptLength = 160
    /// Indices listed per group at most.
    static let listedIndices = 5

    /// `failures` grouped by excerpt, the largest group first (ties: the earliest failure first).
    static func groups(_ failures: [RunSummary.Failure]) -> [FailureGroup] {
        var groups: [FailureGroup] = []
        var place: [String: Int] = [:]
        for failure in failures {
            let excerpt = Self.excerpt(of: failure.error)
            if let at = place[excerpt] {
                groups[at].indices.append(failure.index)
            } else {
                place[excerpt] = groups.count
                groups.append(FailureGroup(excerpt: excerpt, indices: [failure.index]))
            }
        }
        return groups.enumerated().sorted { ($0.element.indices.count, -$0.offset) > ($1.element.indices.count, -$1.offset) }
            .map(\.element)
    }

    /// The cause (`'sh' exited with status 1`) and the last non-empty line of the stderr
    /// that follows it, `…` marking what was left out; an error of several lines without
    /// stderr keeps its first line and its last.
    static func excerpt(of error: String) -> String {
        let cause: Substring
        let rest: Substring
        if let marker = error.range(of: CommandFailure.stderrMarker) {
            cause = error[..<marker.lowerBound]
            rest = error[marker.upperBound...]
        } else {
            let firstLine = error.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            cause = firstLine.first ?? ""
            rest = firstLine.count > 1 ? firstLine[1] : ""
        }
        let lines = rest.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
        var text = String(cause)
        if let last = lines.last {
            let separator = error.contains(CommandFailure.stderrMarker) ? CommandFailure.stderrMarker : ": "
            text += separator + (lines.count > 1 ? "… " : "") + last.trimmingCharacters(in: .whitespaces)
        }
        return text.count > excerptLength ? String(text.prefix(excerptLength - 1)) + "…" : text
    }

    /// `3 tasks failed: 'sh' exited with status 1; stderr: … boom (tasks 0, 1, 2)`; `unit` is
    /// what a task is called (`task`, `block`).
    func line(unit: String) -> String {
        let listed = indices.sorted().prefix(Self.listedIndices).map(String.init).joined(separator: ", ")
        let more = indices.count > Self.listedIndices ? ", …" : ""
        let count = indices.count == 1 ? "1 \(unit)" : "\(indices.count) \(unit)s"
        return "\(count) failed: \(excerpt) (\(indices.count == 1 ? unit : unit + "s") \(listed)\(more))"
    }
}
