import Testing

@testable import MPIBatch

@Suite("Monte Carlo random numbers")
struct MonteCarloRandomTests {
    @Test("Philox4x32-10 matches Random123's known-answer vectors", arguments: [
        (SIMD4<UInt32>(0, 0, 0, 0), SIMD2<UInt32>(0, 0), SIMD4<UInt32>(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8)),
        (
            SIMD4<UInt32>(repeating: 0xffff_ffff), SIMD2<UInt32>(repeating: 0xffff_ffff),
            SIMD4<UInt32>(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd)
        ),
        (
            SIMD4<UInt32>(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), SIMD2<UInt32>(0xa409_3822, 0x299f_31d0),
            SIMD4<UInt32>(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1)
        ),
    ])
    func knownAnswers(counter: SIMD4<UInt32>, key: SIMD2<UInt32>, expected: SIMD4<UInt32>) {
        #expect(Philox4x32.block(counter: counter, key: key) == expected)
    }

    @Test("a path's stream is its Philox blocks: key from the seed, counter (draw, path)")
    func streamLayout() {
        let seed: UInt64 = 0x0123_4567_89ab_cdef
        var stream = PathRandomStream(seed: seed, path: 0x1111_2222_3333_4444)
        let key = SIMD2<UInt32>(0x89ab_cdef, 0x0123_4567)
        for draw: UInt32 in 0..<3 {
            let block = Philox4x32.block(counter: SIMD4(draw, 0, 0x3333_4444, 0x1111_2222), key: key)
            for word in 0..<4 { #expect(stream.nextUInt32() == block[word]) }
        }
    }

    @Test("paths and seeds give different streams; the same path gives the same stream")
    func streamsAreIndependentAndRepeatable() {
        func firstWords(seed: UInt64, path: UInt64) -> [UInt32] {
            var stream = PathRandomStream(seed: seed, path: path)
            return (0..<8).map { _ in stream.nextUInt32() }
        }
        #expect(firstWords(seed: 7, path: 3) == firstWords(seed: 7, path: 3))
        #expect(firstWords(seed: 7, path: 3) != firstWords(seed: 7, path: 4))
        #expect(firstWords(seed: 7, path: 3) != firstWords(seed: 8, path: 3))
    }

    @Test("uniforms are strictly inside (0, 1) with mean 1/2, variance 1/12 and flat bins")
    func uniformStatistics() {
        let count = 400_000
        var stream = PathRandomStream(seed: 2024, path: 0)
        var accumulator = MonteCarloAccumulator()
        var counts = [Int](repeating: 0, count: 100)
        for _ in 0..<count {
            let u = stream.nextUniform()
            #expect(u > 0 && u < 1)
            accumulator.add(u)
            counts[Int(u * 100)] += 1
        }
        #expect(abs(accumulator.mean - 0.5) < 5 * (1 / 12 / Double(count)).squareRoot())
        #expect(abs(accumulator.variance - 1.0 / 12) < 0.002)
        #expect(chiSquareIsPlausible(chiSquare(counts), bins: 100))
    }

    @Test("the extreme uniforms are 2^-53 and 1 - 2^-53")
    func uniformEnds() {
        #expect((Double(UInt64(0) >> 12) + 0.5) * 0x1p-52 == 0x1p-53)
        #expect((Double(UInt64.max >> 12) + 0.5) * 0x1p-52 == 1 - 0x1p-53)
    }

    @Test("normals have mean 0, variance 1, 95% within ±1.96, and Φ(z) is uniform")
    func normalStatistics() {
        let count = 400_000
        var stream = PathRandomStream(seed: 99, path: 12345)
        var accumulator = MonteCarloAccumulator()
        var inside = 0
        var counts = [Int](repeating: 0, count: 50)
        for _ in 0..<count {
            let z = stream.nextNormal()
            accumulator.add(z)
            if abs(z) < MonteCarloEstimate.z95 { inside += 1 }
            counts[min(49, Int(BlackScholes.normalCDF(z) * 50))] += 1
        }
        #expect(abs(accumulator.mean) < 5 / Double(count).squareRoot())
        #expect(abs(accumulator.variance - 1) < 5 * (2 / Double(count)).squareRoot())
        let fraction = Double(inside) / Double(count)
        #expect(abs(fraction - 0.95) < 5 * (0.95 * 0.05 / Double(count)).squareRoot())
        #expect(chiSquareIsPlausible(chiSquare(counts), bins: 50))
    }

    @Test("the chi-square check rejects a biased generator")
    func chiSquareCanFail() {
        var stream = PathRandomStream(seed: 1, path: 1)
        let skewed = (0..<100_000).map { _ in stream.nextUniform().squareRoot() }
        #expect(!chiSquareIsPlausible(chiSquare(histogram(skewed, bins: 100)), bins: 100))
        let slightlyOff = (0..<100_000).map { _ in min(0.999_999, stream.nextUniform() * 1.02) }
        #expect(!chiSquareIsPlausible(chiSquare(histogram(slightlyOff, bins: 100)), bins: 100))
    }
}
