import MPIBatchCore

/// A user's Monte Carlo model (`montecarlo: {python: ...}` or `{worker: ...}`): a function
/// run by the slot's persistent worker once per block of paths, or once per path.
public struct MonteCarloModel: Sendable {
    /// How the function is called (`calls:`).
    public enum Calls: String, Sendable, CaseIterable {
        /// `payoff(rng, n, **params)` once per block; returns the block's `n` path values.
        case block
        /// `sample(seed, **params)` once per path; returns that path's value.
        case path
    }

    /// What a per-path function gets as `seed` (`seed_as:`).
    public enum SeedForm: String, Sendable, CaseIterable {
        /// `numpy.random.SeedSequence(job_seed, spawn_key=(i,))`.
        case sequence
        /// That sequence's `generate_state(1)[0]`, a 32-bit integer.
        case uint32
    }

    /// The worker and its task options (`timeout:`, `retries:`, `env:`, `cwd:`, `max_output:`);
    /// its action is `.worker`.
    public var task: TaskSpec
    /// The worker's program (`task.action`'s).
    public var worker: WorkerSpec
    /// `calls:`.
    public var calls: Calls
    /// `seed_as:` (per-path models only).
    public var seedAs: SeedForm
    /// `params:`, the function's keyword arguments, in file order.
    public var params: [(name: String, value: ParameterValue)]
    /// `reference:` of a `python:` model: a function of the same module that gives, from
    /// `params`, the exact value the estimate should approach (a Black–Scholes price).
    public var reference: String?

    /// Makes a model; the job loader does this.
    public init(task: TaskSpec, worker: WorkerSpec, calls: Calls = .block, seedAs: SeedForm = .sequence, params: [(name: String, value: ParameterValue)] = []) {
        self.task = task
        self.worker = worker
        self.calls = calls
        self.seedAs = seedAs
        self.params = params
    }

    /// `params` as one JSON object.
    public func writeParams(to json: inout JSONWriter) {
        json.beginObject()
        for parameter in params {
            json.key(parameter.name)
            parameter.value.write(to: &json)
        }
        json.endObject()
    }

    /// `python model:payoff (python3), per path`: the model, for people and `summary.json`'s `kernel`.
    public var name: String { worker.summary + (calls == .path ? ", per path" : "") }
}

extension MonteCarloModel: Equatable {
    /// The same model as a job file states it: program, calls, seeds, params, reference and
    /// the worker's task options.
    public static func == (lhs: MonteCarloModel, rhs: MonteCarloModel) -> Bool {
        lhs.name == rhs.name && lhs.worker.jobDirectory == rhs.worker.jobDirectory && lhs.seedAs == rhs.seedAs
            && lhs.reference == rhs.reference && lhs.params.elementsEqual(rhs.params, by: { $0.name == $1.name && $0.value == $1.value })
            && lhs.task.timeout == rhs.task.timeout && lhs.task.retries == rhs.task.retries && lhs.task.maxOutput == rhs.task.maxOutput
            && lhs.task.workingDirectory == rhs.task.workingDirectory
            && lhs.task.environment.elementsEqual(rhs.task.environment, by: { $0.name == $1.name && $0.value == $1.value })
    }
}
