// A Swift user's own kernels, run by mpibatch's runtime from this executable: the
// same coordinator, self-scheduling, reproducible streams and block-ordered
// reduction as `mpibatch run`, with kernels the CLI does not know. Registered in
// one `KernelCatalog`, they work in every role a job file gives them: the Monte
// Carlo kernel as a `montecarlo:` job or stage, the task kernel in a sweep or as
// a stage body.
//
//     swift build -c release
//     mpirun -np 2 .build/release/custom-kernel-example            # or alone, without mpirun
//     .build/release/custom-kernel-example --paths 200000 --b 2 --out /tmp/gauss
//     .build/release/custom-kernel-example --job my-stages.yaml --out /tmp/stages
//
// The kernel estimates ∫₀ᵇ e^(−x²) dx = (√π / 2)·erf(b) by averaging
// b·e^(−U²) over U uniform on (0, b). It reports that exact value as its
// reference, so summary.json shows `exact` next to `estimate` and `stderr`.

import Foundation
import MPIBatch

/// ∫₀ᵇ e^(−x²) dx by plain Monte Carlo. A small struct of constants: the
/// runtime copies it to every slot and calls `simulate` once per group of eight
/// paths, so the code below is vector code, one path per SIMD lane.
struct GaussianIntegralKernel: MonteCarloKernel {
    /// The upper limit of integration.
    let upper: Double

    /// Eight paths: one uniform point on (0, b) each, the integrand scaled by the
    /// interval's length. `draws` is the group's buffer of draws (lane l is path
    /// `draws.firstPath + l`, drawn from its own Philox stream); `nextUniform()`,
    /// `nextNormal()` and `nextWord()` give one value per lane. A lane's value must
    /// depend on its own lane only, and nothing here may allocate. A multi-step
    /// kernel loops: `for _ in 0..<steps { x += draws.nextNormal() }`.
    @inlinable
    func simulate(_ draws: inout PathDraws) -> SIMD8<Double> {
        let x = upper * draws.nextUniform()
        return upper * LaneMath.exp(-x * x)
    }

    /// (√π / 2)·erf(b).
    var reference: MonteCarloReference? {
        MonteCarloReference(name: "exact", value: (Double.pi.squareRoot() / 2) * erf(upper))
    }
}

/// e^(−x²) at one point `x`: a task kernel (`kernel: gaussian-integrand`, `args: {x: …}`),
/// called once per task rather than once per eight paths.
struct GaussianIntegrandKernel: Kernel {
    /// Its one argument: any other name in `args:` is refused when the job is loaded.
    var argumentNames: [String]? { ["x"] }

    func run(_ arguments: KernelArguments, context: TaskContext) async throws -> TaskValue {
        let x = try arguments.double("x", default: 0)
        return .number(exp(-x * x))
    }
}

/// Writes `text` to stderr (Glibc's `stderr` is a global var, not concurrency-safe in Swift 6).
func printError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

// The built-in kernels plus ours, under the names a job would use.
var kernels = KernelCatalog.builtIn
kernels.register("gaussian-integral") { parameters throws(MonteCarloSpecError) in
    try parameters.allowOnly(["b"])
    return GaussianIntegralKernel(upper: try parameters.number("b", default: 1, .positive))
}
kernels.register("gaussian-integrand", GaussianIntegrandKernel())

// A deliberately small argument parser: --paths N, --b X, --out DIR, --slots N, --job FILE.
var paths = 1_000_000
var upper = 1.0
var outputDirectory: String?
var slots: Int?
var jobFile: String?
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else {
        printError("custom-kernel-example: \(flag) needs a value\n")
        exit(2)
    }
    switch flag {
    case "--paths": paths = Int(value) ?? 0
    case "--b": upper = Double(value) ?? .nan
    case "--out": outputDirectory = value
    case "--slots": slots = Int(value)
    case "--job": jobFile = value
    default:
        printError("usage: custom-kernel-example [--paths N] [--b X] [--out DIR] [--slots N] [--job FILE]\n")
        exit(2)
    }
}

// The job: a job file naming our kernels (`--job`), loaded with the catalog, which
// checks kernel names and `params:` at path:line:col; or a `montecarlo:` job built
// here in code, checked the same way.
let job: JobSpec
if let jobFile {
    do {
        job = try JobLoader.load(path: jobFile, kernels: kernels)
    } catch {
        printError("custom-kernel-example: \(error)\n")
        exit(2)
    }
} else {
    let spec = MonteCarloSpec(kernel: "gaussian-integral", params: ["b": upper], paths: paths, seed: 2024, block: 4096)
    do {
        // Checks paths, block and the kernel's parameters before any rank starts work.
        try spec.checkCounts()
        try kernels.checkMonteCarloKernel(of: spec)
    } catch {
        printError("custom-kernel-example: \(error.field): \(error.message)\n")
        exit(2)
    }
    job = JobSpec(name: "gaussian-integral", seed: spec.seed, body: .monteCarlo(spec), contentHash: "")
}

// Every rank runs this; rank 0 also coordinates and gets the summary. The catalog
// goes along, so the runtime builds our kernels wherever the job names them.
let outcome = try await MPILaunch.run(
    job: job, kernels: kernels, options: MPILaunch.Options(slots: slots, outputDirectory: outputDirectory))
if let summary = outcome.summary {
    printError(summary.humanText() + "results in \(outcome.outputDirectory)/\n")
    if summary.tasksSucceeded < summary.tasksTotal { exit(1) }
}
