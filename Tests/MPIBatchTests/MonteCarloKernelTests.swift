import Testing

@testable import MPIBatchJob
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

@Suite("Monte Carlo kernels")
struct MonteCarloKernelTests {
    static let option: [String: Double] = ["s0": 42, "k": 40, "r": 0.10, "sigma": 0.20, "t": 0.5]

    static func estimate(_ kernel: String, _ params: [String: Double], paths: Int, seed: UInt64 = 2024) throws
        -> MonteCarloEstimate
    {
        let workload = try MonteCarloWorkload(
            spec: MonteCarloSpec(kernel: kernel, params: params, paths: paths, seed: seed, block: 8192))
        var total = MonteCarloAccumulator()
        for block in 0..<workload.taskCount { total.merge(try workload.simulate(block: block)) }
        return MonteCarloEstimate(total)
    }

    @Test("Black–Scholes: Hull's example (42, 40, 10%, 20%, ½ year) and put–call parity")
    func blackScholes() {
        let call = BlackScholes.price(.call, spot: 42, strike: 40, rate: 0.1, volatility: 0.2, maturity: 0.5)
        let put = BlackScholes.price(.put, spot: 42, strike: 40, rate: 0.1, volatility: 0.2, maturity: 0.5)
        #expect(abs(call - 4.7594) < 1e-4)
        #expect(abs(put - 0.8086) < 1e-4)
        let discountedStrike: Double = 40 * 0.951_229_424_500_714  // 40·e^(−0.05)
        #expect(abs((call - put) - (42 - discountedStrike)) < 1e-12)
    }

    @Test("gbm-european-call and -put are within 3 standard errors of Black–Scholes", arguments: [
        ("gbm-european-call", 4.759_422_392_871_532), ("gbm-european-put", 0.808_599_372_900_101),
    ])
    func gbmEuropean(kernel: String, blackScholes: Double) throws {
        // 10⁵ paths: the SIMD kernels run unoptimised in a debug build; 10⁷ are checked in release
        // by the integration tests.
        let estimate = try Self.estimate(kernel, Self.option, paths: 100_000)
        #expect(abs(estimate.mean - blackScholes) < 3 * estimate.standardError)
        #expect(estimate.standardError < 0.03)
        let reference = try MonteCarloKernelRegistry.builtIn.makeKernel(named: kernel, params: Self.option).reference
        #expect(abs(try #require(reference).value - blackScholes) < 1e-9)
    }

    @Test("gbm-european-call with 16 steps still converges to Black–Scholes")
    func gbmEuropeanSteps() throws {
        var params = Self.option
        params["steps"] = 16
        let estimate = try Self.estimate("gbm-european-call", params, paths: 30_000)
        #expect(abs(estimate.mean - 4.759_422_392_871_532) < 3 * estimate.standardError)
    }

    @Test("pi is within 3 standard errors of π")
    func pi() throws {
        let estimate = try Self.estimate("pi", [:], paths: 20_000)
        #expect(abs(estimate.mean - .pi) < 3 * estimate.standardError)
    }

    @Test("gbm-asian-call is positive and cheaper than the European call")
    func asian() throws {
        var params = Self.option
        params["steps"] = 64
        let asian = try Self.estimate("gbm-asian-call", params, paths: 5_000)
        #expect(asian.mean > 0)
        #expect(asian.mean + 3 * asian.standardError < 4.7594)
    }

    @Test("the ±1 walk's mean first passage to distance b is b²")
    func latticeFirstPassage() throws {
        let estimate = try Self.estimate("random-walk-first-passage", ["barrier": 10, "max_steps": 100_000], paths: 20_000)
        #expect(abs(estimate.mean - 100) < 4 * estimate.standardError)
    }

    @Test("the Gaussian walk passes its barrier, capped at max_steps")
    func gaussianFirstPassage() throws {
        let estimate = try Self.estimate(
            "random-walk-first-passage", ["barrier": 3, "max_steps": 50, "gaussian": 1], paths: 10_000)
        #expect(estimate.mean > 1 && estimate.mean < 50)
        let capped = try Self.estimate(
            "random-walk-first-passage", ["barrier": 1e9, "max_steps": 7, "gaussian": 1], paths: 100)
        #expect(capped.mean == 7 && capped.standardError == 0)
    }

    @Test("bad parameters are errors naming the kernel and the parameter", arguments: [
        ("gbm-european-call", ["k": 40, "r": 0.1, "sigma": 0.2, "t": 0.5], "params.s0", "kernel 'gbm-european-call' needs parameter 's0'"),
        ("gbm-european-put", ["s0": 42, "k": 40, "r": 0.1, "sigma": -0.2, "t": 0.5], "params.sigma", "needs sigma ≥ 0, got -0.2"),
        ("gbm-asian-call", ["s0": 42, "k": 40, "r": 0.1, "sigma": 0.2, "t": 0.5], "params.steps", "kernel 'gbm-asian-call' needs parameter 'steps'"),
        ("gbm-asian-call", ["s0": 42, "k": 40, "r": 0.1, "sigma": 0.2, "t": 0.5, "steps": 2.5], "params.steps", "a whole number ≥ 1"),
        ("gbm-european-call", ["s0": 42, "k": 40, "r": 0.1, "sigm": 0.2, "t": 0.5], "params.sigm", "unknown 'sigm'"),
        ("pi", ["n": 1], "params.n", "kernel 'pi' takes no parameters"),
        ("random-walk-first-passage", ["barrier": 5, "max_steps": 10, "gaussian": 2], "params.gaussian", "0 or 1"),
        ("random-walk-first-passage", ["barrier": .nan, "max_steps": 10], "params.barrier", "needs barrier > 0, got nan"),
        ("asian", [:], "kernel", "unknown Monte Carlo kernel 'asian'; known: gbm-asian-call,"),
    ] as [(String, [String: Double], String, String)])
    func badParameters(kernel: String, params: [String: Double], field: String, message: String) {
        #expect {
            _ = try MonteCarloKernelRegistry.builtIn.makeKernel(named: kernel, params: params)
        } throws: { error in
            guard let error = error as? MonteCarloSpecError else { return false }
            return error.field == field && error.description.contains(message)
        }
    }
}
