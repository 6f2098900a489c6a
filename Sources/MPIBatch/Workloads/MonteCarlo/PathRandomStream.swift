#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The random numbers of one Monte Carlo path: Philox4x32-10 keyed by the run's
/// seed, with the path index in the counter's high half and the draw number in
/// its low half. Path `i` draws the same numbers whichever rank, slot or chunk
/// runs it.
///
/// Layout: key = (seed low 32 bits, seed high 32 bits); counter =
/// (draw block low, draw block high, path low, path high). A value type with
/// no allocation: make one per path on the stack.
public struct PathRandomStream: Sendable {
    @usableFromInline let key: SIMD2<UInt32>
    @usableFromInline let path: SIMD2<UInt32>
    @usableFromInline var nextBlock: UInt64 = 0
    @usableFromInline var buffer: SIMD4<UInt32> = .zero
    @usableFromInline var position = 4
    @usableFromInline var spareNormal = 0.0
    @usableFromInline var hasSpareNormal = false

    /// The stream of path `path` in the run seeded with `seed`.
    @inlinable
    public init(seed: UInt64, path: UInt64) {
        key = SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        self.path = SIMD2(UInt32(truncatingIfNeeded: path), UInt32(truncatingIfNeeded: path >> 32))
    }

    @inlinable
    mutating func refill() {
        let counter = SIMD4(
            UInt32(truncatingIfNeeded: nextBlock), UInt32(truncatingIfNeeded: nextBlock >> 32), path[0], path[1])
        buffer = Philox4x32.block(counter: counter, key: key)
        nextBlock &+= 1
        position = 0
    }

    /// The next 32 random bits.
    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        if position == 4 { refill() }
        let word = buffer[position]
        position &+= 1
        return word
    }

    /// The next 64 random bits (two words, the first in the high half).
    @inlinable
    public mutating func nextUInt64() -> UInt64 {
        let high = UInt64(nextUInt32())
        return high << 32 | UInt64(nextUInt32())
    }

    /// A uniform Double in the open interval (0, 1): the midpoints of a grid of
    /// 2^52 cells, so neither 0 nor 1 can occur. Uses two words.
    @inlinable
    public mutating func nextUniform() -> Double {
        (Double(nextUInt64() >> 12) + 0.5) * 0x1p-52
    }

    /// A standard normal deviate, by the Box–Muller transform: each pair of
    /// uniforms gives two independent normals, the second kept for the next call.
    @inlinable
    public mutating func nextNormal() -> Double {
        if hasSpareNormal {
            hasSpareNormal = false
            return spareNormal
        }
        let radius = (-2 * log(nextUniform())).squareRoot()
        let angle = 2 * Double.pi * nextUniform()
        spareNormal = radius * sin(angle)
        hasSpareNormal = true
        return radius * cos(angle)
    }
}
