import Foundation
import MPIBatchCore

/// Plain task files (TACC launcher / disBatch style): one shell command per
/// line, run by the task's shell (bash where installed) as written; blank lines
/// and `#` comments skipped. `{index}` in a line becomes the task's index (`${…}`
/// and other braces are the shell's).
///
/// disBatch's directives (`TaskFileDirective`) are honoured with disBatch's meaning
/// or refused; so are mpibatch's own, which apply to the task lines after them:
/// `#MPIBATCH cores=N` (until the next one) and `#MPIBATCH shell=PROGRAM` (once,
/// before the first task). A task's parameters are `{"line", "command"}`, plus
/// `repeat_index` when the file has a REPEAT and `cores` when it sets any. A line that
/// starts with a YAML job's key (`name:`, `sweep:`, `task:`, `stages:`, `montecarlo:`) is
/// refused: it is a job file whose name lacks its `.yaml`, `.yml` or `.json`.
/// Commands see disBatch's `DISBATCH_TASKID`, `DISBATCH_STREAM_INDEX`,
/// `DISBATCH_REPEAT_INDEX` (-1 outside a REPEAT) and `DISBATCH_NAMETASKS`.
struct TaskFileParser {
    let path: String
    let jobDirectory: String

    private var lines: [ParameterValue] = []
    private var commands: [ParameterValue] = []
    private var repeatIndices: [ParameterValue] = []
    private var cores: [ParameterValue] = []
    private var hash = ContentHash()
    private var errors: [JobFileError] = []
    private var prefix = ""
    private var suffix = ""
    private var currentCores = 1
    /// Where the largest `cores=` was set, and its value.
    private var largestCores = (count: 1, place: "")
    private var shell: String?

    /// The sweep of `text`'s commands, and its content hash; or every problem found.
    static func parse(_ text: String, path: String, jobDirectory: String) throws(JobFileErrors) -> (SweepSpec, String) {
        var parser = TaskFileParser(path: path, jobDirectory: jobDirectory)
        // Split as bytes: as Characters, "\r\n" is one grapheme, not "\n", so a file with Windows line
        // endings was read as one line (one task running every command).
        for (number, bytes) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = Substring(bytes)
            parser.read(line.utf8.last == UInt8(ascii: "\r") ? line.dropLast() : line, number: number + 1)
        }
        return try parser.finish()
    }

    private init(path: String, jobDirectory: String) {
        self.path = path
        self.jobDirectory = jobDirectory
    }

    private mutating func read(_ line: Substring, number: Int) {
        let trimmed = Self.trimmingWhitespace(line)
        if trimmed.isEmpty { return }
        let looksLikeDirective =
            trimmed.utf8.first == UInt8(ascii: "#") && ["#DISBATCH", "#MPIBATCH"].contains { trimmed.uppercased().hasPrefix($0) }
        if let key = Self.jobKey(startingLine: line) {
            report(
                number, 0,
                "'\(key):' looks like a YAML job's key, but this file is read as a task file (one shell command per line): "
                    + "a job file's name must end in .yaml, .yml or .json")
            return
        }
        guard looksLikeDirective else {
            if !trimmed.hasPrefix("#") {
                add(prefix.isEmpty && suffix.isEmpty ? String(trimmed) : prefix + line + suffix, line: number, repeat: -1)
            }
            return
        }
        guard line.hasPrefix("#DISBATCH") || line.hasPrefix("#MPIBATCH") else {
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            report(
                number, indent,
                "'\(trimmed.prefix(9))' must be upper case and start the line to be a directive (disBatch would take "
                    + "this line for a comment); write '# …' for a comment")
            return
        }
        do {
            switch try TaskFileDirective(parsing: line) {
            case .prefix(let text): prefix = text
            case .suffix(let text): suffix = text
            case .repeated(let count, let start, let step, let command):
                guard !(command.isEmpty && prefix.isEmpty && suffix.isEmpty) else {
                    report(number, 0, "REPEAT without a command needs a #DISBATCH PREFIX or SUFFIX to run")
                    return
                }
                for k in 0..<count { add(prefix + command + suffix, line: number, repeat: start + k * step) }
            case .mpibatch(let settings):
                hash.add(String(line) + "\n")
                for setting in settings { apply(setting, line: number) }
            }
        } catch {
            report(number, error.column, error.message)
        }
    }

    private mutating func apply(_ setting: (key: String, value: String, column: Int), line: Int) {
        switch setting.key {
        case "cores":
            guard let count = Int(setting.value), count >= 1 else {
                report(line, setting.column, "cores must be a whole number ≥ 1, not '\(setting.value)'")
                return
            }
            currentCores = count
            if count > largestCores.count { largestCores = (count, "\(path):\(line):\(setting.column + 1)") }
        case "shell":
            guard commands.isEmpty, shell == nil else {
                report(line, setting.column, "shell= applies to the whole file: set it once, before the first task")
                return
            }
            guard ShellProgram.locate(setting.value) != nil else {
                report(line, setting.column, "shell '\(setting.value)' is not an executable file\(setting.value.contains("/") ? "" : " in PATH")")
                return
            }
            shell = setting.value
        default:
            report(
                line, setting.column - setting.key.unicodeScalars.count - 1,
                "unknown #MPIBATCH setting '\(setting.key)' (known: cores, shell)"
                    + DidYouMean.suffix(for: setting.key, among: ["cores", "shell"]))
        }
    }

    /// The top-level keys of a YAML job, which no shell command starts with, each with its colon.
    private static let jobKeys = ["name:", "sweep:", "task:", "stages:", "montecarlo:"]

    /// The job key `line` starts with (`name:` then a space or the end), if any.
    private static func jobKey(startingLine line: Substring) -> String? {
        let key = jobKeys.first { key in
            line.utf8.starts(with: key.utf8) && line.utf8.dropFirst(key.utf8.count).first.map { $0 == 0x20 || $0 == 0x09 } ?? true
        }
        return key.map { String($0.dropLast()) }
    }

    private mutating func add(_ command: String, line: Int, repeat index: Int) {
        let text = Self.substitutingIndex(in: command, index: commands.count)
        lines.append(.integer(line))
        commands.append(.string(text))
        repeatIndices.append(.integer(index))
        cores.append(.integer(currentCores))
        hash.add(text)
        hash.add("\n")
    }

    /// `line` without the whitespace (`CharacterSet.whitespaces`: tabs and Unicode's spaces) at
    /// either end. A line that begins and ends with other ASCII, most of a task file, is taken as
    /// it is: Foundation's trimming bridged every line through `NSString` (a third of the time
    /// a 300,000-line file took to read).
    static func trimmingWhitespace(_ line: Substring) -> Substring {
        guard let first = line.utf8.first, let last = line.utf8.last else { return line }
        func plainASCII(_ byte: UInt8) -> Bool { byte < 0x80 && byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") }
        if plainASCII(first), plainASCII(last) { return line }
        return Substring(line.trimmingCharacters(in: .whitespaces))
    }

    /// `command` with each `{index}` (not `${index}`, not `{{index}}`) replaced by `index`.
    static func substitutingIndex(in command: String, index: Int) -> String {
        guard command.utf8.contains(UInt8(ascii: "{")), command.contains("{index}") else { return command }
        var result = ""
        var rest = command[...]
        while let range = rest.range(of: "{index}") {
            let before = rest[..<range.lowerBound]
            let escaped = before.last == "$" || before.last == "{"
            result += before + (escaped ? "{index}" : String(index))
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    /// Records a problem at `line` and 0-based `column`.
    private mutating func report(_ line: Int, _ column: Int, _ message: String) {
        let problem = JobFileError(path: path, line: line, column: column + 1, message: message)
        errors.append(problem)
    }

    private func finish() throws(JobFileErrors) -> (SweepSpec, String) {
        if errors.isEmpty, commands.isEmpty {
            throw JobFileErrors([JobFileError(path: path, line: 1, column: 1, message: "task file has no commands (only blank lines, comments and directives)")])
        }
        guard errors.isEmpty else { throw JobFileErrors(errors) }
        var axis: [(name: String, column: ParameterColumn)] = [("line", .list(lines)), ("command", .list(commands))]
        let repeats = repeatIndices.contains { $0 != .integer(-1) }
        if repeats { axis.append(("repeat_index", .list(repeatIndices))) }
        let multiCore = largestCores.count > 1
        if multiCore { axis.append(("cores", .list(cores))) }
        guard let space = IndexSpace(axes: [axis]) else { preconditionFailure("a task file's line count fits in Int") }
        let environment: [(name: String, value: Template)] = [
            ("DISBATCH_TASKID", Template(reference: .index)), ("DISBATCH_STREAM_INDEX", Template(reference: .parameter(0))),
            ("DISBATCH_REPEAT_INDEX", repeats ? Template(reference: .parameter(2)) : Template(literal: "-1")),
            ("DISBATCH_NAMETASKS", Template(literal: URL(fileURLWithPath: path).lastPathComponent)),
        ]
        let task = TaskSpec(
            action: .shell(ShellScript(verbatim: Template(reference: .parameter(1)))), environment: environment,
            cores: multiCore
                ? TaskCores(source: .parameter(axis.count - 1), largest: largestCores.count, place: largestCores.place) : .one,
            shellProgram: shell)
        return (SweepSpec(space: space, task: task, jobDirectory: jobDirectory), hash.hex)
    }
}
