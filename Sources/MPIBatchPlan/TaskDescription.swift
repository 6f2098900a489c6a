import MPIBatchCore
import MPIBatchJob

/// What a task would run, for `plan` and for people: worked out from its spec alone,
/// nothing built to run it.
public enum TaskDescription {
    /// Sweep task `index` under `expansion`: the argv, the shell line or the kernel call.
    public static func of(_ task: TaskSpec, at index: Int, expansion: TemplateExpansion) -> String {
        switch task.action {
        case .kernel(let name, let declared):
            let values = declared.map { argument in
                switch argument.value {
                case .constant(let value): "\(argument.name)=\(value)"
                case .template(let template): "\(argument.name)=\(expansion.parameterValue(template, at: index))"
                }
            }
            return "kernel \(name)(\(values.joined(separator: ", ")))"
        case .shell(let script):
            let shell = ShellProgram.path(for: task.shellProgram)
            let variables = script.variables.map {
                "\($0.name)=\(ShellQuoting.quoteIfNeeded(expansion.value(of: $0.reference, at: index).description)) "
            }
            return variables.joined() + "\(shell) -c " + expansion.arguments(of: task, shell: shell, at: index)[2]
        case .command:
            return expansion.arguments(of: task, shell: "", at: index).map(ShellQuoting.quoteIfNeeded).joined(separator: " ")
        case .worker(let worker):
            var parameters = JSONWriter()
            expansion.space.writeParameters(of: index, to: &parameters)
            return "\(worker.summary) on \(parameters.string)"
        }
    }

    /// Block `block` of a Monte Carlo section: its paths and seed.
    public static func of(_ spec: MonteCarloSpec, block: Int) -> String {
        let paths = spec.paths(ofBlock: block)
        return "montecarlo \(spec.kernel) block \(block): paths \(paths.lowerBound)..<\(paths.upperBound), seed \(spec.seed)"
    }

    /// Local task `index` of stage `number` of `graph` in a job seeded `jobSeed`.
    static func of(stage number: Int, of graph: StageGraph, at index: Int, jobSeed: UInt64) -> String {
        switch graph.stages[number].body {
        case .tasks(let sweep, _):
            let expansion = TemplateExpansion(sweep: sweep, jobSeed: TaskSeed.stageSeed(job: jobSeed, stage: number))
            return of(sweep.task, at: index, expansion: expansion)
        case .monteCarlo(let spec):
            return of(spec, block: index)
        }
    }
}
