#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

@testable import MPIBatchWorkloads

@Suite("Lane math")
struct LaneMathTests {
    /// The largest error of `lanes` against `reference`, in ulp of the reference, over `inputs`.
    static func worstUlp(_ inputs: [Double], _ lanes: (SIMD8<Double>) -> SIMD8<Double>, _ reference: (Double) -> Double) -> Double {
        var worst = 0.0
        for start in stride(from: 0, to: inputs.count - 7, by: 8) {
            let x = SIMD8<Double>(inputs[start..<start + 8])
            let y = lanes(x)
            for lane in 0..<8 {
                let exact = reference(x[lane])
                worst = max(worst, abs(y[lane] - exact) / exact.ulp)
            }
        }
        return worst
    }

    static let uniforms = allLaneDraws(seed: 3, count: 80_000) { $0.nextUniform() }

    @Test("log is within 1 ulp of Glibc on (2^-33, 1), on the radius grid's ends and on [1e-300, 1e300]")
    func log() {
        let inputs = Self.uniforms + Self.uniforms.map { Glibc.exp(($0 - 0.5) * 1380) } + [0x1p-33, 1.5 * 0x1p-33, 1 - 0x1p-33, 1 - 0x1p-32, 0.5, 2, 1, 1e-300]
        #expect(Self.worstUlp(inputs, LaneMath.log, Glibc.log) <= 1)
    }

    @Test("exp is within 2 ulp of Glibc on [−700, 709]; 0, +∞ and NaN at the edges")
    func exp() {
        let inputs = Self.uniforms.map { $0 * 1409 - 700 } + Self.uniforms.map { $0 * 2 - 1 } + [0, -0.0, 709.7, -700, 1, -1, 0.5, 1e-20]
        #expect(Self.worstUlp(inputs, LaneMath.exp, Glibc.exp) <= 2)
        let edges = LaneMath.exp(SIMD8(-800, -746, 710, 800, .infinity, -.infinity, .nan, 0))
        #expect(edges[0] == 0 && edges[1] == 0 && edges[2] == .infinity && edges[3] == .infinity)
        #expect(edges[4] == .infinity && edges[5] == 0 && edges[6].isNaN && edges[7] == 1)
        // Gradual underflow comes out right.
        #expect(LaneMath.exp(SIMD8(repeating: -740))[0] == Glibc.exp(-740))
    }

    @Test("sinCos(turn:) is Glibc's cos and sin of the quarter-turn angle within 1 ulp, rotated exactly")
    func sinCos() {
        var words = laneDraws(seed: 4, count: 8_000) { $0.nextWord() }.map(UInt64.init)
        words += [0, 0x3FFF_FFFF, 0x4000_0000, 0x7FFF_FFFF, 0x8000_0000, 0xBFFF_FFFF, 0xC000_0000, 0xFFFF_FFFF]
        var worst = 0.0
        for start in stride(from: 0, to: words.count - 7, by: 8) {
            let turn = SIMD8<UInt64>(words[start..<start + 8])
            let (c, s) = LaneMath.sinCos(turn: turn)
            for lane in 0..<8 {
                let x = ((Double(turn[lane] & 0x3FFF_FFFF) + 0.5) * 0x1p-30 - 0.5) * (Double.pi / 2)
                let (cx, sx) = (Glibc.cos(x), Glibc.sin(x))
                let exact = [(cx, sx), (-sx, cx), (-cx, -sx), (sx, -cx)][Int(turn[lane] >> 30)]
                worst = max(worst, abs(c[lane] - exact.0) / exact.0.ulp, abs(s[lane] - exact.1) / exact.1.ulp)
            }
        }
        #expect(worst <= 1, "worst error \(worst) ulp")
    }
}
