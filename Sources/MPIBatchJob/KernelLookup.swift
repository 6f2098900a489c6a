/// What the job loader asks of the kernels a job may name, so that `validate` and
/// `run` refuse an unknown kernel or a bad `params:` at `path:line:col` before any
/// rank starts work. A `KernelCatalog` (the built-ins plus a library user's own)
/// answers; the parsed job keeps only names, never a built kernel.
public protocol KernelLookup: Sendable {
    /// Every kernel a task may call (`kernel: NAME`), sorted.
    var taskKernelNames: [String] { get }
    /// The names of the `args:` task kernel `name` takes; nil when it takes any (not checked).
    func taskKernelArgumentNames(of name: String) -> [String]?
    /// Throws when `spec`'s Monte Carlo kernel is unknown or its `params:` do not fit it,
    /// naming the field at fault (`kernel`, `params.sigma`).
    func checkMonteCarloKernel(of spec: MonteCarloSpec) throws(MonteCarloSpecError)
}

extension KernelLookup {
    /// Any `args:` are accepted unless a lookup says otherwise.
    public func taskKernelArgumentNames(of name: String) -> [String]? { nil }
}
