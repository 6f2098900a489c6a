import Testing

@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

@Suite("Monte Carlo reducer")
struct MonteCarloReducerTests {
    static func workload(target: MonteCarloSpec.Target? = nil) throws -> MonteCarloWorkload {
        try MonteCarloWorkload(spec: MonteCarloSpec(kernel: "pi", params: [:], paths: 200_000, seed: 2024, block: 1000, target: target))
    }

    static let blocks: [TaskValue] = {
        let plain = try! workload()
        return (0..<plain.taskCount).map { try! plain.simulate(block: $0).taskValue }
    }()

    /// Arrival orders: in order, reversed, shuffled, and interleaved as from 3 ranks with guided chunks.
    static func orders(count: Int) -> [[Int]] {
        var generator = SeededGenerator(seed: 17)
        var interleaved: [Int] = []
        var ranks: [[Int]] = [[], [], []]
        var start = 0
        var rank = 0
        while start < count {
            let chunk = max(1, (count - start) / 6)
            ranks[rank].append(contentsOf: start..<min(start + chunk, count))
            start += chunk
            rank = (rank + 1) % 3
        }
        while ranks.contains(where: { !$0.isEmpty }) {
            let busy = ranks.indices.filter { !ranks[$0].isEmpty }
            let pick = busy.randomElement(using: &generator)!
            interleaved.append(ranks[pick].removeFirst())
        }
        return [Array(0..<count), Array((0..<count).reversed()), Array(0..<count).shuffled(using: &generator), interleaved]
    }

    struct Outcome: Equatable {
        var cut: [Int]
        var paths: Int
        var meanBits: UInt64
        var stderrBits: UInt64
        var summary: String
    }

    static func reduce(_ workload: MonteCarloWorkload, order: [Int]) -> Outcome {
        let reducer = MonteCarloReducer(workload: workload)
        var cut: [Int] = []
        for index in order {
            if let count = reducer.accept(index: index, value: blocks[index]) { cut.append(count) }
        }
        let estimate = reducer.estimate
        return Outcome(
            cut: cut, paths: estimate.paths, meanBits: estimate.mean.bitPattern,
            stderrBits: estimate.standardError.bitPattern,
            summary: String(decoding: (try? ReportCoding.encode(reducer.summary)) ?? [], as: UTF8.self))
    }

    @Test("the estimate is bit-identical for any arrival order")
    func orderIndependence() throws {
        let workload = try Self.workload()
        let outcomes = Self.orders(count: workload.taskCount).map { Self.reduce(workload, order: $0) }
        #expect(outcomes.allSatisfy { $0 == outcomes[0] })
        #expect(outcomes[0].paths == 200_000 && outcomes[0].cut.isEmpty)
        var sequential = MonteCarloAccumulator()
        for block in Self.blocks { sequential.merge(MonteCarloAccumulator(block)!) }
        #expect(outcomes[0].meanBits == sequential.mean.bitPattern)
    }

    @Test("a precision target stops at the same block for any arrival order", arguments: [
        MonteCarloSpec.Target.standardError(0.01), .relativeError(0.004),
    ])
    func targetIndependence(target: MonteCarloSpec.Target) throws {
        let workload = try Self.workload(target: target)
        let outcomes = Self.orders(count: workload.taskCount).map { Self.reduce(workload, order: $0) }
        #expect(outcomes.allSatisfy { $0 == outcomes[0] })
        let cut = try #require(outcomes[0].cut.first)
        #expect(outcomes[0].cut.count == 1)
        #expect(outcomes[0].paths == cut * 1000)
        #expect(cut > 2 && cut < workload.taskCount)
        #expect(outcomes[0].summary.contains(#""target_met":true"#))
        // The cut is the first block count at which the target holds.
        var merged = MonteCarloAccumulator()
        for block in 0..<(cut - 1) { merged.merge(MonteCarloAccumulator(Self.blocks[block])!) }
        #expect(!target.isMet(by: MonteCarloEstimate(merged)))
        merged.merge(MonteCarloAccumulator(Self.blocks[cut - 1])!)
        #expect(target.isMet(by: MonteCarloEstimate(merged)))
    }

    @Test("a target met only by the last block is reported met, with no cut")
    func targetMetAtTheEnd() throws {
        let workload = try MonteCarloWorkload(spec: MonteCarloSpec(kernel: "pi", params: [:], paths: 2000, seed: 2024, block: 1000, target: .standardError(1)))
        let reducer = MonteCarloReducer(workload: workload)
        #expect(reducer.accept(index: 1, value: Self.blocks[1]) == nil)
        #expect(reducer.accept(index: 0, value: Self.blocks[0]) == nil)
        #expect(reducer.targetMet && reducer.blockCount == 2)
        #expect(reducer.humanSummary().contains("target stderr ≤ 1.0 met after 2 blocks"))
    }

    @Test("out-of-order blocks wait only until the gap is filled")
    func reorderBufferDrains() throws {
        let reducer = MonteCarloReducer(workload: try Self.workload())
        for index in 1..<10 { _ = reducer.accept(index: index, value: Self.blocks[index]) }
        #expect(reducer.blocksReceived == 9)
        _ = reducer.accept(index: 0, value: Self.blocks[0])
        _ = reducer.accept(index: 0, value: Self.blocks[0])
        #expect(reducer.blocksReceived == 10 && reducer.estimate.paths == 10_000)
    }

    @Test("the summary has the contract's fields; the human line reads well; gaps are reported")
    func summary() throws {
        let workload = try MonteCarloWorkload(spec: MonteCarloSpec(
            kernel: "gbm-european-call", params: ["s0": 42, "k": 40, "r": 0.1, "sigma": 0.2, "t": 0.5],
            paths: 40_000, seed: 2024, block: 10_000))
        let reducer = MonteCarloReducer(workload: workload)
        for block in [0, 1, 3] { _ = reducer.accept(index: block, value: try workload.simulate(block: block).taskValue) }
        _ = reducer.accept(index: 2, value: .text("garbage"))
        let json = String(decoding: try ReportCoding.encode(reducer.summary), as: UTF8.self)
        for key in ["paths", "estimate", "stderr", "ci95_low", "ci95_high", "min", "max", "blocks", "black_scholes", "blocks_malformed"] {
            #expect(json.contains("\"\(key)\":"))
        }
        #expect(json.contains(#""paths":30000,"#))
        let lines = reducer.humanSummary()
        #expect(lines[0].hasPrefix("gbm-european-call: estimate 4.7"))
        #expect(lines[0].hasSuffix("30,000 paths"))
        #expect(lines[1].hasPrefix("black_scholes 4.759"))
        #expect(lines.contains("1 of 4 blocks missing (failed or not run)"))
    }

    @Test("human numbers: decimals follow the standard error, paths are grouped")
    func humanLine() {
        #expect(NumberText.fixed(4.759_42, digits: 4) == "4.7594")
        #expect(NumberText.fixed(-0.000_04, digits: 4) == "0.0000")
        #expect(NumberText.fixed(-1.25, digits: 1) == "-1.3")
        #expect(NumberText.fixed(3.0, digits: 0) == "3")
        #expect(NumberText.grouped(10_000_000) == "10,000,000")
        #expect(NumberText.grouped(999) == "999")
    }
}
