import Yams

/// The task keys about a command's output: `logs:` and `max_output:`.
extension TaskParser {
    /// `logs: per-task` (or `rank`, the default).
    func logMode(_ node: Node, action: TaskSpec.Action) throws(JobFileError) -> TaskSpec.LogMode {
        try commandOnly("logs", node, action: action)
        switch try reader.string(node, "logs") {
        case "per-task":
            if case .worker = action { throw reader.error(at: node, "logs: per-task applies to command and shell tasks; a worker's output goes to its rank's log") }
            return .perTask
        case "rank": return .rankFiles
        case let text:
            throw reader.error(
                at: node, "logs '\(text)' is not one of per-task, rank" + DidYouMean.suffix(for: text, among: ["per-task", "rank"]))
        }
    }

    /// `max_output: 16MiB`: a size within `TaskSpec.maxOutputRange`.
    func maxOutput(_ node: Node, action: TaskSpec.Action) throws(JobFileError) -> Int {
        try commandOnly("max_output", node, action: action)
        let text = try reader.string(node, "max_output")
        guard let bytes = ByteSizeParser.bytes(text), TaskSpec.maxOutputRange.contains(bytes) else {
            throw reader.error(at: node, "max_output '\(text)' is not a size from 1KiB to 1GiB (such as 64KiB, 16MiB, 1GiB)")
        }
        return bytes
    }

    private func commandOnly(_ key: String, _ node: Node, action: TaskSpec.Action) throws(JobFileError) {
        if case .kernel = action {
            throw reader.error(at: node, "\(key): applies to command and shell tasks; a kernel prints nothing of its own")
        }
    }
}
