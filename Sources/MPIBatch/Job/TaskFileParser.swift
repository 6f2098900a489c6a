import Foundation

/// Plain task files (TACC launcher / disBatch style): one shell command per
/// line, blank lines and `#` comments skipped. Each line is a task run with
/// `/bin/sh -c` as written, with parameters `{"line": N, "command": "…"}`.
enum TaskFileParser {
    /// The sweep of `text`'s commands, and its content hash.
    static func parse(_ text: String, path: String, jobDirectory: String) throws(JobFileError) -> (SweepSpec, String) {
        var lines: [ParameterValue] = []
        var commands: [ParameterValue] = []
        var hash = ContentHash()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let command = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !command.isEmpty, !command.hasPrefix("#") else { continue }
            lines.append(.integer(number + 1))
            commands.append(.string(command))
            hash.add(command + "\n")
        }
        guard !commands.isEmpty else {
            throw JobFileError(path: path, line: 1, column: 1, message: "task file has no commands (only blank lines and comments)")
        }
        guard let space = IndexSpace(axes: [[("line", .list(lines)), ("command", .list(commands))]]) else {
            preconditionFailure("a task file's line count fits in Int")
        }
        let task = TaskSpec(action: .shell(Template(reference: .parameter(1)), quoteValues: false))
        return (SweepSpec(space: space, task: task, jobDirectory: jobDirectory), hash.hex)
    }
}
