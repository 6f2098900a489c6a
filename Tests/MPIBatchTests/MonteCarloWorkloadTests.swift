import Foundation
import Testing

@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

@Suite("Monte Carlo workload")
struct MonteCarloWorkloadTests {
    @Test("blocks cover the paths exactly once, the last one short")
    func blocks() throws {
        let workload = try MonteCarloWorkload(spec: MonteCarloSpec(kernel: "pi", params: [:], paths: 10_001, seed: 1, block: 1000))
        #expect(workload.taskCount == 11)
        #expect(workload.spec.paths(ofBlock: 0) == 0..<1000)
        #expect(workload.spec.paths(ofBlock: 10) == 10_000..<10_001)
        var json = JSONWriter()
        workload.writeParameters(of: 3, to: &json)
        #expect(json.string == #"{"block":3,"first_path":3000,"paths":1000}"#)
    }

    @Test("a task returns its block's accumulator, the same on every call")
    func run() async throws {
        let workload = try MonteCarloWorkload(spec: MonteCarloSpec(kernel: "pi", params: [:], paths: 5000, seed: 3, block: 2048))
        let context = TaskContext(index: 2, attempt: 1, rank: 1, slot: 0, outputDirectory: "/tmp")
        let value = try await workload.run(context)
        let accumulator = try #require(MonteCarloAccumulator(value))
        #expect(accumulator.count == 5000 - 4096)
        #expect(value == (try workload.simulate(block: 2)).taskValue)
        #expect(workload.makeReducer() is MonteCarloReducer)
    }

    @Test("paths_out writes every path's value per block, and the block value is unchanged")
    func pathsOut() async throws {
        let directory = TestScratch.path("mc-paths")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var spec = MonteCarloSpec(kernel: "pi", params: [:], paths: 10, seed: 4, block: 4)
        let plain = try MonteCarloWorkload(spec: spec)
        spec.pathsOut = "paths"
        let writing = try MonteCarloWorkload(spec: spec)
        let value = try await writing.run(TaskContext(index: 1, attempt: 1, rank: 0, slot: 0, outputDirectory: directory))
        #expect(value == (try plain.simulate(block: 1)).taskValue)
        let lines = try String(contentsOfFile: directory + "/paths/block-1.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "path,value" && lines.count == 5)
        #expect(lines[1] == "4,\(plain.value(ofPath: 4))")
    }

    @Test("a path's value does not depend on its block size")
    func pathIndependentOfBlocking() throws {
        let spec = MonteCarloSpec(kernel: "gbm-asian-call", params: ["s0": 100, "k": 100, "r": 0.05, "sigma": 0.3, "t": 1, "steps": 12], paths: 64, seed: 11, block: 64)
        let oneBlock = try MonteCarloWorkload(spec: spec).simulate(block: 0)
        var smallBlocks = MonteCarloAccumulator()
        var single = MonteCarloAccumulator()
        let small = try MonteCarloWorkload(spec: MonteCarloSpec(kernel: spec.kernel, params: spec.params, paths: 64, seed: 11, block: 1))
        for path in 0..<64 {
            smallBlocks.merge(try small.simulate(block: path))
            single.add(small.value(ofPath: path))
        }
        #expect(single == oneBlock)
        #expect(abs(smallBlocks.mean - oneBlock.mean) < 1e-12)
    }

    @Test("bad specs name the field", arguments: [
        (MonteCarloSpec(kernel: "pi", params: [:], paths: 0, seed: 1), "montecarlo.paths: needs at least 1 path, got 0"),
        (MonteCarloSpec(kernel: "pi", params: [:], paths: 10, seed: 1, block: 0), "montecarlo.block: needs at least 1 path per block, got 0"),
        (MonteCarloSpec(kernel: "pi", params: [:], paths: 10, seed: 1, target: .standardError(-1)), "montecarlo.target: needs a precision > 0, got -1.0"),
        (MonteCarloSpec(kernel: "pie", params: [:], paths: 10, seed: 1), "montecarlo.kernel: unknown Monte Carlo kernel 'pie'"),
    ])
    func badSpecs(spec: MonteCarloSpec, message: String) {
        #expect {
            _ = try MonteCarloWorkload(spec: spec)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    struct BrokenKernel: MonteCarloKernel {
        func simulate(_ draws: inout PathDraws) -> SIMD8<Double> {
            let u = draws.nextUniform()
            return SIMD8(repeating: 1).replacing(with: .nan, where: u .< 0.01)
        }
    }

    @Test("a NaN path fails its block with the path index and the seed; users register kernels by name")
    func nonFinitePath() throws {
        var kernels = MonteCarloKernelRegistry.builtIn
        kernels.register("broken") { parameters throws(MonteCarloSpecError) in
            try parameters.allowOnly([])
            return BrokenKernel()
        }
        #expect(kernels.names.contains("broken") && kernels.names.contains("pi"))
        let workload = try MonteCarloWorkload(spec: MonteCarloSpec(kernel: "broken", params: [:], paths: 1000, seed: 2024, block: 1000), kernels: kernels)
        let firstBad = try #require((0..<1000).first { workload.value(ofPath: $0).isNaN })
        #expect {
            _ = try workload.simulate(block: 0)
        } throws: { error in
            guard let error = error as? MonteCarloPathError else { return false }
            return error.path == firstBad && error.seed == 2024 && error.kernel == "broken" && error.value.isNaN
        }
        let error = MonteCarloPathError(kernel: "broken", path: 123_456, seed: 2024, value: .nan)
        #expect(error.description.hasPrefix("path 123456 (seed 2024) of kernel 'broken' produced NaN"))
    }
}
