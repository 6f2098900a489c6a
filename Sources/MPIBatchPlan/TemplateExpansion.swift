import MPIBatchJob

/// Fills templates in for one task: the index space, the job seed, the task
/// index, the job file's directory, and in a stage the values its upstream stages left behind.
public struct TemplateExpansion: Sendable {
    /// The sweep's index space.
    public let space: IndexSpace
    /// The job seed, from which `{seed}` derives.
    public let jobSeed: UInt64
    /// `{job_dir}`: the job file's directory, absolute.
    public let jobDirectory: String
    /// Where `{stages.NAME.value}` is read from.
    public let stageValues: StageValues

    /// Makes an expander.
    public init(space: IndexSpace, jobSeed: UInt64, jobDirectory: String, stageValues: StageValues = StageValues(directory: nil)) {
        self.space = space
        self.jobSeed = jobSeed
        self.jobDirectory = jobDirectory
        self.stageValues = stageValues
    }

    /// An expander for `sweep`'s tasks (`{job_dir}` is its job file's directory).
    public init(sweep: SweepSpec, jobSeed: UInt64, stageValues: StageValues = StageValues(directory: nil)) {
        self.init(space: sweep.space, jobSeed: jobSeed, jobDirectory: sweep.jobDirectory, stageValues: stageValues)
    }

    /// `reference`'s typed value for task `index`.
    @inline(__always)
    public func value(of reference: Template.Reference, at index: Int) -> ParameterValue {
        switch reference {
        case .parameter(let number): space.value(of: number, at: index)
        case .index: .integer(index)
        case .seed: .integer(TaskSeed.seed(job: jobSeed, index: index))
        case .jobDirectory: .string(jobDirectory)
        case .stageValue(let stage): stageValues.value(of: stage)
        }
    }

    /// `template` expanded for task `index`.
    public func render(_ template: Template, at index: Int) -> String {
        render(template.segments, at: index)
    }

    /// `segments` (a template's, or a part of them) expanded for task `index`.
    package func render(_ segments: [Template.Segment], at index: Int) -> String {
        var text = ""
        for segment in segments {
            switch segment {
            case .literal(let literal): text += literal
            case .reference(let reference): text += value(of: reference, at: index).description
            }
        }
        return text
    }

    /// The argv `task` runs as task `index` (a `shell:` task: `shell -c LINE`; a kernel: none).
    public func arguments(of task: TaskSpec, shell: String, at index: Int) -> [String] {
        switch task.action {
        case .command(let argv): argv.map { render($0, at: index) }
        case .shell(let script): [shell, "-c", render(script.line, at: index)]
        case .kernel, .worker: []
        }
    }

    /// `NAME=value` for each of `variables` (a `shell:` body's placeholder values) for task `index`.
    public func environment(of variables: [ShellScript.Variable], at index: Int) -> [String] {
        variables.map { "\($0.name)=\(value(of: $0.reference, at: index).description)" }
    }

    /// `template`'s value for task `index`: typed when it is exactly one reference, else its text.
    public func parameterValue(_ template: Template, at index: Int) -> ParameterValue {
        if let reference = template.singleReference { return value(of: reference, at: index) }
        return .string(render(template, at: index))
    }
}

/// POSIX shell quoting.
public enum ShellQuoting {
    /// `value` in single quotes, each `'` written as `'\''`: the shell takes it byte for byte.
    public static func quote(_ value: String) -> String {
        "'" + value.replacing("'", with: "'\\''") + "'"
    }
}

extension ShellQuoting {
    /// `value` as is when the shell would take it literally, else quoted: for showing argv to people.
    public static func quoteIfNeeded(_ value: String) -> String {
        let safe = value.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_./=:,+@%".unicodeScalars.contains($0) }
        return safe && !value.isEmpty ? value : quote(value)
    }
}
