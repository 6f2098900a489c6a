import MPIBatchJob

/// Every kernel a job may name: task kernels (`kernel: NAME`, in sweeps and stages) and
/// Monte Carlo kernels (`montecarlo: {kernel: NAME}`, as a job or a stage). The built-ins
/// plus a library user's own, passed from loading (which checks names and `params:`)
/// to running (which builds the kernels), so a registered kernel works in every role.
public struct KernelCatalog: KernelLookup {
    /// The task kernels.
    public var taskKernels: KernelRegistry
    /// The Monte Carlo kernels.
    public var monteCarloKernels: MonteCarloKernelRegistry

    /// The built-in kernels of both kinds.
    public static let builtIn = KernelCatalog(taskKernels: .builtIn, monteCarloKernels: .builtIn)

    /// A catalog of `taskKernels` and `monteCarloKernels`.
    public init(taskKernels: KernelRegistry, monteCarloKernels: MonteCarloKernelRegistry) {
        self.taskKernels = taskKernels
        self.monteCarloKernels = monteCarloKernels
    }

    /// Adds or replaces the task kernel called `name`.
    public mutating func register(_ name: String, _ kernel: any Kernel) { taskKernels.register(name, kernel) }

    /// Adds or replaces the Monte Carlo kernel called `name`, built by `factory` from a job's `params:`.
    public mutating func register(_ name: String, monteCarlo factory: @escaping MonteCarloKernelRegistry.Factory) {
        monteCarloKernels.register(name, factory: factory)
    }

    /// Every task kernel's name, sorted.
    public var taskKernelNames: [String] { taskKernels.names }

    /// The argument names task kernel `name` declares; nil when it takes any.
    public func taskKernelArgumentNames(of name: String) -> [String]? { taskKernels.argumentNames(of: name) }

    /// Builds `spec`'s kernel once, to see that it exists and takes `spec.params`.
    public func checkMonteCarloKernel(of spec: MonteCarloSpec) throws(MonteCarloSpecError) {
        _ = try monteCarloKernels.makeKernel(named: spec.kernel, params: spec.params)
    }
}
