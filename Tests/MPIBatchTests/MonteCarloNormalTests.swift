#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

@testable import MPIBatchWorkloads

/// The Box–Muller transform's distribution on 10⁶ draws, and its tails.
@Suite("Monte Carlo normals")
struct MonteCarloNormalTests {
    static let count = 1_000_000
    static let normals = allLaneDraws(seed: 99, count: count) { $0.nextNormal() }

    @Test("10⁶ normals: mean 0, variance 1, skewness 0, excess kurtosis 0 (each within 5 standard errors)")
    func moments() {
        let n = Double(Self.count)
        let mean = Self.normals.reduce(0, +) / n
        var (m2, m3, m4) = (0.0, 0.0, 0.0)
        for z in Self.normals {
            let d = z - mean
            m2 += d * d
            m3 += d * d * d
            m4 += d * d * d * d
        }
        (m2, m3, m4) = (m2 / n, m3 / n, m4 / n)
        #expect(abs(mean) < 5 / n.squareRoot())
        #expect(abs(m2 - 1) < 5 * (2 / n).squareRoot())
        #expect(abs(m3 / pow(m2, 1.5)) < 5 * (6 / n).squareRoot())
        #expect(abs(m4 / (m2 * m2) - 3) < 5 * (24 / n).squareRoot())
    }

    /// √n times the Kolmogorov–Smirnov distance between `values` and Φ.
    static func scaledKolmogorovSmirnov(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let n = Double(sorted.count)
        var distance = 0.0
        for (i, z) in sorted.enumerated() {
            let cdf = BlackScholes.normalCDF(z)
            distance = max(distance, abs(cdf - Double(i) / n), abs(Double(i + 1) / n - cdf))
        }
        return distance * n.squareRoot()
    }

    @Test("Kolmogorov–Smirnov on 10⁶ normals: √n·D below 1.95 (the 0.1 % critical value); a 2 % scale error fails")
    func kolmogorovSmirnov() {
        #expect(Self.scaledKolmogorovSmirnov(Self.normals) < 1.95)
        #expect(Self.scaledKolmogorovSmirnov(Self.normals.map { $0 * 1.02 }) > 1.95)
    }

    @Test("tail frequencies beyond 2, 3 and 4 σ on 10⁶ normals, within 5 binomial standard deviations")
    func tails() {
        for (sigmas, probability) in [(2.0, 0.045_500_263_896_358_4), (3, 0.002_699_796_063_260_2), (4, 6.334_248_366_623_996e-05)] {
            let observed = Double(Self.normals.count { abs($0) > sigmas })
            let expected = probability * Double(Self.count)
            #expect(abs(observed - expected) < 5 * (expected * (1 - probability)).squareRoot(), "beyond \(sigmas) σ")
        }
    }

    @Test("the 5 σ tail exactly: the radius words giving r ≥ 5 number ⌊2^32·e^-12.5 − ½⌋ + 1, so P(R ≥ 5) = e^-12.5 to 2^-32")
    func fiveSigmaRadius() {
        func radius(_ word: UInt64) -> Double {
            let (z0, z1) = BoxMuller.normals(radius: Philox4x32.Lanes(repeating: word), angle: Philox4x32.Lanes(0, 1 << 29, 1 << 30, 3 << 30, 12345, 99, 7, 1 << 31))
            return (z0[0] * z0[0] + z1[0] * z1[0]).squareRoot()
        }
        let boundary = UInt64((0x1p32 * exp(-12.5) - 0.5).rounded(.down))
        #expect(radius(boundary) >= 5)
        #expect(radius(boundary + 1) < 5)
        #expect(abs(Double(boundary + 1) * 0x1p-32 - exp(-12.5)) <= 0x1p-32)
        // The largest radius, at word 0: √(66 ln 2) ≈ 6.764.
        #expect(abs(radius(0) - (66 * M_LN2).squareRoot()) < 1e-13)
    }

    @Test("each normal is within 4 ulp of the exact Box–Muller transform of its words (Glibc log, sqrt, cos, sin)")
    func accuracy() {
        var draws = PathDraws(seed: 5)
        draws.start(firstPath: 0)
        var worst = 0.0
        for _ in 0..<20_000 {
            let (radius, angle) = (UInt64(draws.nextWord()[3]), UInt64(draws.nextWord()[3]))
            let (z0, z1) = BoxMuller.normals(radius: Philox4x32.Lanes(repeating: radius), angle: Philox4x32.Lanes(repeating: angle))
            let r = (-2 * log((Double(radius) + 0.5) * 0x1p-32)).squareRoot()
            let x = ((Double(angle & 0x3FFF_FFFF) + 0.5) * 0x1p-30 - 0.5) * (Double.pi / 2)
            // The rotation by a whole quadrant is exact in the transform; do it exactly here too.
            let (c, s) = (cos(x), sin(x))
            let rotated = [(c, s), (-s, c), (-c, -s), (s, -c)][Int(angle >> 30)]
            for (value, exact) in [(z0[0], r * rotated.0), (z1[0], r * rotated.1)] {
                worst = max(worst, abs(value - exact) / exact.ulp)
            }
        }
        #expect(worst <= 4, "worst error \(worst) ulp")
    }
}
