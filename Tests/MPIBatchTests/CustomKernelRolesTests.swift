import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchLaunch
@testable import MPIBatchReporting
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// A library user's kernels, registered in one `KernelCatalog`, run in every role: as a
/// sweep's task kernel, as a `montecarlo:` job's kernel and as stage bodies, through the
/// same load-then-`WorkloadFactory` path `MPILaunch.run(job:kernels:options:)` takes.
/// (`Tests/Integration/more-montecarlo.sh` runs `Examples/CustomKernel` through `MPILaunch` itself.)
@Suite struct CustomKernelRolesTests {
    /// `triple`: three times its argument `x`.
    struct TripleKernel: Kernel {
        func run(_ arguments: KernelArguments, context: TaskContext) async throws -> TaskValue {
            .number(3 * (try arguments.double("x", default: 0)))
        }
    }

    /// `constant`: every path's value is `c`, so the estimate is exactly `c`.
    struct ConstantKernel: MonteCarloKernel {
        let value: Double
        func simulate(_ draws: inout PathDraws) -> SIMD8<Double> { SIMD8(repeating: value) }
    }

    static let catalog: KernelCatalog = {
        var catalog = KernelCatalog.builtIn
        catalog.register("triple", TripleKernel())
        catalog.register("constant") { parameters throws(MonteCarloSpecError) in
            try parameters.allowOnly(["c"])
            return ConstantKernel(value: try parameters.number("c", default: 1))
        }
        return catalog
    }()

    /// Loads `text` with the custom catalog and runs it in memory on two ranks.
    private static func run(_ text: String, in directory: String) async throws -> (RunSummary, [[String: Any]]) {
        let job = try JobLoader.load(path: writeJobFile(text, in: directory), kernels: catalog)
        let out = directory + "/out"
        let workload = try WorkloadFactory.makeWorkload(for: job, kernels: catalog, outputDirectory: out)
        return try await runInMemory(workload, ranks: 2, directory: out)
    }

    @Test func aCustomTaskKernelRunsAsASweep() async throws {
        let (summary, lines) = try await Self.run(
            "sweep: {grid: {x: [1, 2, 3]}}\ntask: {kernel: triple, args: {x: \"{x}\"}}\n", in: makeJobTestDirectory())
        #expect(summary.tasksSucceeded == 3)
        #expect(Set(lines.compactMap { $0["value"] as? Double }) == [3, 6, 9])
    }

    @Test func aCustomMonteCarloKernelRunsAsAJob() async throws {
        let (summary, _) = try await Self.run(
            "montecarlo: {kernel: constant, params: {c: 2.5}, paths: 1000, block: 100}\n", in: makeJobTestDirectory())
        #expect(summary.tasksSucceeded == 10)
        #expect(stageSummaryFields(summary)["estimate"] as? Double == 2.5)
    }

    @Test func customKernelsRunAsStageBodies() async throws {
        let directory = makeJobTestDirectory()
        let (summary, _) = try await Self.run(
            """
            stages:
              - name: a
                kernel: triple
                args: {x: 2}
              - name: b
                montecarlo: {kernel: constant, params: {c: 4}, paths: 200, block: 100}
              - name: c
                after: a
                kernel: triple
                args: {x: "{stages.a.value}"}
            """, in: directory)
        #expect(summary.tasksSucceeded == 4)
        func value(_ stage: String) throws -> Double? {
            Double(
                try String(contentsOfFile: directory + "/out/stages/\(stage)/value.json", encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(try value("a") == 6)
        #expect(try value("b") == 4)
        #expect(try value("c") == 18)
    }

    @Test func theBuiltInCatalogRefusesTheCustomKernelsAtLoad() {
        #expect(jobProblems("task: {kernel: triple}\n").first?.contains("unknown kernel 'triple'") == true)
        #expect(jobProblems("montecarlo: {kernel: constant, paths: 10}\n").first?.contains("unknown Monte Carlo kernel 'constant'") == true)
    }
}
