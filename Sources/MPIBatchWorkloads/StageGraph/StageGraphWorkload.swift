import Foundation
import MPIBatchCore
import MPIBatchJob
import MPIBatchPlan
import MPIBatchRuntime
import MPIBatchScheduling
import Synchronization

/// A stage graph as the runtime executes it. Global index i belongs to stage s
/// at local index `i - offsets[s]`, and runs as that task of the stage's own
/// `SweepWorkload` (one task for an inline stage, its sweep for a fan-out) or,
/// for a `montecarlo:` stage, as that block of its `MonteCarloWorkload`.
///
/// Each stage works in `<out>/stages/NAME/`: it is the default `cwd:` of its
/// commands, holds its `logs/` under `logs: per-task` (otherwise its commands' output goes
/// to the run's `logs/rank-R.*` through the worker's report), and receives `value.json`
/// when it finishes.
/// Commands see `MPIBATCH_STAGE_NAME`, `MPIBATCH_STAGE_DIR`, `MPIBATCH_OUT` (the run
/// directory; `MPIBATCH_INDEX` is the index within the stage), `MPIBATCH_STAGES_DIR`
/// (`<out>/stages`, where every stage's directory is) and, for each stage named in its
/// `after:`, `MPIBATCH_STAGE_<NAME>_DIR` (upper case, `-` as `_`). Only direct
/// dependencies get a variable: one per ancestor would grow the environment with the
/// graph until `exec` fails ("Argument list too long").
/// A `python:` or `worker:` stage's slot takes the live worker an earlier stage left on that
/// slot when it names the same worker (`WorkerKeeper`); that worker keeps the stage variables
/// and the directory of the stage that started it.
/// The order stages run in is the business of `StageGraphSource`.
public struct StageGraphWorkload: Workload {
    /// The graph it runs.
    public let graph: StageGraph
    /// Each stage's tasks as the runtime runs them, by local index: its sweep (one task for
    /// an inline stage) or its Monte Carlo blocks.
    private let stages: [any Workload]
    /// The `montecarlo:` stages' workloads, by stage number (their reducers need the kernels).
    private let monteCarloStages: [Int: MonteCarloWorkload]
    /// The stages whose sweep table is read when they become ready, by stage number.
    private let runTimeStages: [Int: RunTimeStage]
    private let values: StageValues
    private let directories: StageDirectories
    /// The workers kept between the stages' tasks.
    private let keeper: WorkerKeeper

    /// Builds the workload for `graph`, its kernels from `kernels`, with stage directories under `outputDirectory`.
    public init(graph: StageGraph, jobSeed: UInt64, kernels: KernelCatalog, outputDirectory: String) throws {
        let values = StageValues(directory: URL(fileURLWithPath: outputDirectory).standardizedFileURL.path + "/stages")
        var stages: [any Workload] = []
        var monteCarloStages: [Int: MonteCarloWorkload] = [:]
        var runTimeStages: [Int: RunTimeStage] = [:]
        let keeper = WorkerKeeper()
        for (number, stage) in graph.stages.enumerated() {
            switch stage.body {
            case .tasks(let sweep, _):
                let own = Self.inStageDirectory(sweep, stage: number, of: graph, values: values)
                let sharing = StageWorkerSharing(
                    keeper: keeper, stageVariables: Set(own.task.environment.dropFirst(sweep.task.environment.count).map(\.name)),
                    stageDirectory: values.stageDirectory(stage.name))
                let stageSeed = TaskSeed.stageSeed(job: jobSeed, stage: number)
                if let table = sweep.runTimeTable {
                    let runTime = RunTimeStage(
                        sweep: own, table: table, jobSeed: stageSeed, kernels: kernels.taskKernels, values: values,
                        directory: values.stageDirectory(stage.name), workerSharing: sharing)
                    runTimeStages[number] = runTime
                    stages.append(runTime)
                    continue
                }
                stages.append(
                    try SweepWorkload(
                        sweep: own, jobSeed: stageSeed, kernels: kernels.taskKernels, stageValues: values, workerSharing: sharing))
            case .monteCarlo(let spec):
                let blocks = try MonteCarloWorkload(spec: spec, kernels: kernels.monteCarloKernels)
                monteCarloStages[number] = blocks
                stages.append(blocks)
            }
        }
        self.graph = graph
        self.stages = stages
        self.monteCarloStages = monteCarloStages
        self.runTimeStages = runTimeStages
        self.values = values
        self.keeper = keeper
        directories = StageDirectories(count: stages.count)
    }

    /// Stage `number`'s `sweep` with its directory as the default `cwd:` and the stage variables in its environment.
    private static func inStageDirectory(_ sweep: SweepSpec, stage number: Int, of graph: StageGraph, values: StageValues) -> SweepSpec {
        let name = graph.stages[number].name
        let directory = values.stageDirectory(name)
        let stagesDirectory = (directory as NSString).deletingLastPathComponent
        var sweep = sweep
        sweep.task.workingDirectory = sweep.task.workingDirectory ?? Template(literal: directory)
        sweep.task.environment += [
            ("MPIBATCH_STAGE_NAME", Template(literal: name)), ("MPIBATCH_STAGE_DIR", Template(literal: directory)),
            ("MPIBATCH_STAGES_DIR", Template(literal: stagesDirectory)),
            ("MPIBATCH_OUT", Template(literal: (stagesDirectory as NSString).deletingLastPathComponent)),
        ]
        for upstream in graph.topology.dependencies[number].map({ graph.stages[$0].name }) {
            sweep.task.environment.append((directoryVariable(upstream), Template(literal: values.stageDirectory(upstream))))
        }
        return sweep
    }

    /// `MPIBATCH_STAGE_<NAME>_DIR` for stage `name`.
    public static func directoryVariable(_ name: String) -> String {
        "MPIBATCH_STAGE_" + name.uppercased().replacing("-", with: "_") + "_DIR"
    }

    /// Tasks over all stages.
    public var taskCount: Int { graph.taskCount }

    /// The most `retries:` any stage asks for.
    public var retries: Int { stages.map(\.retries).max() ?? 0 }

    /// The `retries:` of the stage task `index` belongs to.
    public func retries(of index: Int) -> Int { stages[graph.locate(index).stage].retries }

    /// The `cores:` of the stage task `index` belongs to.
    public func cores(of index: Int) -> Int {
        let (stage, local) = graph.locate(index)
        return stages[stage].cores(of: local)
    }

    /// The widest task of any stage.
    public var widestTask: (cores: Int, place: String) {
        stages.map(\.widestTask).max { $0.cores < $1.cores } ?? (1, "")
    }

    /// The `gpus:` and `memory:` of the stage task `index` belongs to.
    public func resources(of index: Int) -> TaskResources {
        let (stage, local) = graph.locate(index)
        return stages[stage].resources(of: local)
    }

    /// The largest asks of any stage.
    public var largestResources: TaskResources {
        stages.reduce(TaskResources.none) { $0.widened(by: $1.largestResources) }
    }

    /// Every stage's notes, each once.
    public var startNotes: [String] {
        var seen: Set<String> = []
        return stages.flatMap(\.startNotes).filter { seen.insert($0).inserted }
    }

    /// `{"stage": NAME, …the stage's own parameters}`.
    public func writeParameters(of index: Int, to json: inout JSONWriter) {
        let (stage, local) = graph.locate(index)
        var own = JSONWriter()
        stages[stage].writeParameters(of: local, to: &own)
        json.beginObject()
        json.field(SweepParser.stageKey, graph.stages[stage].name)
        json.members(own.objectMembers)
        json.endObject()
    }

    /// Whether the stage task `index` belongs to runs a process.
    public func runsProcess(_ index: Int) -> Bool {
        let (stage, local) = graph.locate(index)
        return stages[stage].runsProcess(local)
    }

    /// What the stage of `index` says of its own parameters, when the journal's line is of
    /// the same stage (`"stage"` is the first member; the stage's own ones follow it).
    public func changedWorkRefusal(at index: Int, recorded: [UInt8]) -> String? {
        let (stage, local) = graph.locate(index)
        var prefix = JSONWriter()
        prefix.beginObject()
        prefix.field(SweepParser.stageKey, graph.stages[stage].name)
        guard recorded.starts(with: prefix.bytes) else { return nil }
        let own = [UInt8(ascii: "{")] + recorded.dropFirst(prefix.bytes.count).drop { $0 == UInt8(ascii: ",") }
        return stages[stage].changedWorkRefusal(at: local, recorded: own).map { "stage '\(graph.stages[stage].name)': " + $0 }
    }

    /// Runs global task `task.index` as its stage's task, in the stage's directory.
    public func run(_ task: TaskContext) async throws -> TaskValue {
        let (stage, local) = graph.locate(task.index)
        let directory = values.stageDirectory(graph.stages[stage].name)
        try directories.make(stage, at: directory)
        var context = TaskContext(
            index: local, attempt: task.attempt, rank: task.rank, slot: task.slot, outputDirectory: directory,
            report: task.report, batchEnd: min(task.batchEnd - (task.index - local), stages[stage].taskCount))
        context.cpus = task.cpus  // what the worker gave the task: its pinned CPUs, devices and memory
        context.grant = task.grant
        return try await stages[stage].run(context)
    }

    /// Spawns, on rank `rank`'s slots `slots`, the workers of the graph's first stage that
    /// runs after nothing, when it runs `python:` or `worker:` tasks: the first task of any
    /// stage naming the same worker on a slot (every stage of an imported dbt job) finds it
    /// started (`WorkerKeeper`). Nothing when that stage runs anything else.
    public func prestartWorkers(rank: Int, slots: Range<Int>, outputDirectory: String) {
        guard let first = graph.topology.dependencies.firstIndex(where: \.isEmpty), let sweep = stages[first] as? SweepWorkload
        else { return }
        let directory = values.stageDirectory(graph.stages[first].name)
        guard (try? directories.make(first, at: directory)) != nil else { return }  // its first task says why
        sweep.prestartWorkers(rank: rank, slots: slots, outputDirectory: directory)
    }

    /// Retires the workers kept between the stages (`WorkerKeeper.retireAll`): the graph is done.
    public func retireWorkers(ended: DispatchGroup) { keeper.retireAll(ended: ended) }

    /// With `montecarlo:` stages, a reducer that folds each one's blocks in block order
    /// and reports its estimate under `montecarlo: {NAME: …}`; nil without.
    public func makeReducer() -> (any ResultReducer)? { StageMonteCarloReducer(graph: graph, stages: monteCarloStages) }

    /// Rank 0, when stage `stage` becomes ready: expands its run-time table (see
    /// `RunTimeTable`) and returns its size; other stages keep the size they were loaded with.
    public func expandStage(_ stage: Int) -> Result<Int, RunTimeTableError> {
        guard let runTime = runTimeStages[stage] else { return .success(graph.stages[stage].taskCount) }
        return Result { () throws(RunTimeTableError) in try runTime.expand() }
    }

    /// Where stage values go: `<out>/stages/NAME/value.json`.
    public var stageValues: StageValues { values }

    /// Each stage's `stop_when:` or `race:`, over its range.
    public var stopRules: [StopRule] {
        graph.stages.indices.compactMap { stage in
            graph.stages[stage].earlyStop.map {
                StopRule(scope: graph.stages[stage].name, range: graph.offsets[stage]..<graph.offsets[stage + 1], spec: $0)
            }
        }
    }

    /// Stage values feed the dependents' templates: a resumed graph needs the journaled ones.
    public var keepsJournaledValues: Bool { true }

    /// The graph scheduler: ready stages by remaining critical path, exclusive stages alone.
    /// `--chunk` does not apply: a fan-out stage is always handed out in guided chunks.
    public func makeWorkSource(policy: ChunkPolicy, totalSlots: Int) -> any WorkSource {
        StageGraphSource(graph: graph, totalSlots: totalSlots)
    }
}

/// Creates each stage's directory once per process.
private final class StageDirectories: Sendable {
    private let made: Mutex<[Bool]>

    init(count: Int) { made = Mutex(Array(repeating: false, count: count)) }

    /// Creates stage `stage`'s `directory` unless this process already did.
    func make(_ stage: Int, at directory: String) throws(OutputError) {
        try made.withLock { (made) throws(OutputError) in
            guard !made[stage] else { return }
            try OutputFile.makeDirectory(directory, runsOwn: 2)  // stages/NAME
            made[stage] = true
        }
    }
}
