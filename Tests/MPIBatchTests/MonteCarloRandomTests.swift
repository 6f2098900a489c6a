import Testing

@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

@Suite("Monte Carlo random numbers")
struct MonteCarloRandomTests {
    static let vectors: [(SIMD4<UInt32>, SIMD2<UInt32>, SIMD4<UInt32>)] = [
        (SIMD4<UInt32>(0, 0, 0, 0), SIMD2<UInt32>(0, 0), SIMD4<UInt32>(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8)),
        (
            SIMD4<UInt32>(repeating: 0xffff_ffff), SIMD2<UInt32>(repeating: 0xffff_ffff),
            SIMD4<UInt32>(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd)
        ),
        (
            SIMD4<UInt32>(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), SIMD2<UInt32>(0xa409_3822, 0x299f_31d0),
            SIMD4<UInt32>(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1)
        ),
    ]

    @Test("Philox4x32-10 matches Random123's known-answer vectors", arguments: vectors)
    func knownAnswers(counter: SIMD4<UInt32>, key: SIMD2<UInt32>, expected: SIMD4<UInt32>) {
        #expect(Philox4x32.block(counter: counter, key: key) == expected)
    }

    @Test("every SIMD lane computes its own block: the known answers in lane l, other counters elsewhere")
    func knownAnswersInEveryLane() {
        for (counter, key, expected) in Self.vectors {
            for lane in 0..<8 {
                var c = (Philox4x32.Lanes(0, 1, 2, 3, 4, 5, 6, 7), Philox4x32.Lanes(), Philox4x32.Lanes(), Philox4x32.Lanes())
                c.0[lane] = UInt64(counter.x)
                c.1[lane] = UInt64(counter.y)
                c.2[lane] = UInt64(counter.z)
                c.3[lane] = UInt64(counter.w)
                let words = Philox4x32.blocks(c.0, c.1, c.2, c.3, key: key)
                #expect(SIMD4(UInt32(words.0[lane]), UInt32(words.1[lane]), UInt32(words.2[lane]), UInt32(words.3[lane])) == expected)
            }
        }
    }

    @Test("a path's words are its Philox blocks: key from the seed, counter (block, path), in any lane")
    func streamLayout() {
        let seed: UInt64 = 0x0123_4567_89ab_cdef
        let path: UInt64 = 0x1111_2222_3333_4444
        let key = SIMD2<UInt32>(0x89ab_cdef, 0x0123_4567)
        for lane in [0, 5] {
            let words = laneDraws(seed: seed, firstPath: path - UInt64(lane), lane: lane, count: 40) { $0.nextWord() }
            for block: UInt32 in 0..<10 {
                let expected = Philox4x32.block(counter: SIMD4(block, 0, 0x3333_4444, 0x1111_2222), key: key)
                for word in 0..<4 { #expect(words[Int(block) * 4 + word] == expected[word]) }
            }
        }
    }

    @Test("paths and seeds give different streams; the same path gives the same stream in any group")
    func streamsAreIndependentAndRepeatable() {
        let first = laneDraws(seed: 7, firstPath: 3, count: 8) { $0.nextNormal() }
        #expect(first == laneDraws(seed: 7, firstPath: 0, lane: 3, count: 8) { $0.nextNormal() })
        #expect(first != laneDraws(seed: 7, firstPath: 4, count: 8) { $0.nextNormal() })
        #expect(first != laneDraws(seed: 8, firstPath: 3, count: 8) { $0.nextNormal() })
    }

    @Test("the fused refill (its AVX2 copy where the CPU has one) gives the bits of Philox then Box–Muller in baseline code")
    func fusedRefillMatchesItsParts() {
        let seed: UInt64 = 0x0bad_cafe_dead_beef
        let firstPath: UInt64 = 1 << 33 + 5
        var draws = PathDraws(seed: seed)
        draws.start(firstPath: firstPath)
        let normals = (0..<64).map { _ in draws.nextNormal() }  // two refills
        let key = SIMD2<UInt32>(0xdead_beef, 0x0bad_cafe)
        let paths = SIMD8<UInt64>(repeating: firstPath) &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7)
        for block in 0..<16 {
            let words = Philox4x32.blocks(
                Philox4x32.Lanes(repeating: UInt64(block)), Philox4x32.Lanes(), paths & 0xFFFF_FFFF, paths &>> 32, key: key)
            let (first, second) = BoxMuller.normals(radius: words.0, angle: words.1)
            let (third, fourth) = BoxMuller.normals(radius: words.2, angle: words.3)
            #expect([first, second, third, fourth].map { $0.bitPattern } == normals[4 * block..<4 * block + 4].map { $0.bitPattern })
        }
    }

    @Test("uniforms are strictly inside (0, 1) with mean 1/2, variance 1/12 and flat bins")
    func uniformStatistics() {
        let count = 400_000
        let values = allLaneDraws(seed: 2024, count: count) { $0.nextUniform() }
        var accumulator = MonteCarloAccumulator()
        for u in values {
            #expect(u > 0 && u < 1)
            accumulator.add(u)
        }
        #expect(abs(accumulator.mean - 0.5) < 5 * (1 / 12 / Double(count)).squareRoot())
        #expect(abs(accumulator.variance - 1.0 / 12) < 0.002)
        #expect(chiSquareIsPlausible(chiSquare(histogram(values, bins: 100)), bins: 100))
    }

    @Test("a uniform is the top 52 bits of two words, (n + ½)·2^-52: first word high")
    func uniformLayout() {
        let words = laneDraws(seed: 9, firstPath: 2, count: 4) { $0.nextWord() }
        let uniforms = laneDraws(seed: 9, firstPath: 2, count: 2) { $0.nextUniform() }
        for i in 0..<2 {
            let bits = UInt64(words[2 * i]) << 32 | UInt64(words[2 * i + 1])
            #expect(uniforms[i] == (Double(bits >> 12) + 0.5) * 0x1p-52)
        }
        #expect((Double(UInt64(0) >> 12) + 0.5) * 0x1p-52 == 0x1p-53)
        #expect((Double(UInt64.max >> 12) + 0.5) * 0x1p-52 == 1 - 0x1p-53)
    }

    @Test("the chi-square check rejects a biased generator")
    func chiSquareCanFail() {
        let uniforms = allLaneDraws(seed: 1, count: 200_000) { $0.nextUniform() }
        let skewed = uniforms[..<100_000].map { $0.squareRoot() }
        #expect(!chiSquareIsPlausible(chiSquare(histogram(skewed, bins: 100)), bins: 100))
        let slightlyOff = uniforms[100_000...].map { min(0.999_999, $0 * 1.02) }
        #expect(!chiSquareIsPlausible(chiSquare(histogram(slightlyOff, bins: 100)), bins: 100))
    }
}

extension SIMD8<Double> {
    /// The lanes' IEEE bits, for comparing results bit for bit.
    var bitPattern: [UInt64] { indices.map { self[$0].bitPattern } }
}
