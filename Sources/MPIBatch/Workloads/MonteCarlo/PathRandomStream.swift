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
    @usableFromInline let key0: UInt32
    @usableFromInline let key1: UInt32
    @usableFromInline let path0: UInt32
    @usableFromInline let path1: UInt32
    @usableFromInline var nextBlock: UInt64 = 0
    /// The unused words of the current block, the next one in the top 32 bits.
    @usableFromInline var buffer: UInt128 = 0
    @usableFromInline var wordsLeft = 0
    @usableFromInline var spareNormal = 0.0
    @usableFromInline var hasSpareNormal = false

    /// The stream of path `path` in the run seeded with `seed`.
    @inlinable
    public init(seed: UInt64, path: UInt64) {
        key0 = UInt32(truncatingIfNeeded: seed)
        key1 = UInt32(truncatingIfNeeded: seed >> 32)
        path0 = UInt32(truncatingIfNeeded: path)
        path1 = UInt32(truncatingIfNeeded: path >> 32)
    }

    @inlinable
    mutating func refill() {
        let (x0, x1, x2, x3) = Philox4x32.block(
            UInt32(truncatingIfNeeded: nextBlock), UInt32(truncatingIfNeeded: nextBlock >> 32), path0, path1,
            key: key0, key1)
        buffer = UInt128(x0) << 96 | UInt128(x1) << 64 | UInt128(x2) << 32 | UInt128(x3)
        nextBlock &+= 1
        wordsLeft = 4
    }

    /// The next 32 random bits.
    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        if wordsLeft == 0 { refill() }
        let word = UInt32(truncatingIfNeeded: buffer >> 96)
        buffer <<= 32
        wordsLeft &-= 1
        return word
    }

    /// The next 64 random bits (the next two words, the first in the high half).
    @inlinable
    public mutating func nextUInt64() -> UInt64 {
        if wordsLeft == 0 { refill() }
        guard wordsLeft >= 2 else {
            let high = UInt64(nextUInt32())
            return high << 32 | UInt64(nextUInt32())
        }
        let bits = UInt64(truncatingIfNeeded: buffer >> 64)
        buffer <<= 64
        wordsLeft &-= 2
        return bits
    }

    /// A uniform Double in the open interval (0, 1): the midpoints of a grid of
    /// 2^52 cells, so neither 0 nor 1 can occur. Uses two words.
    @inlinable
    public mutating func nextUniform() -> Double {
        (Double(nextUInt64() >> 12) + 0.5) * 0x1p-52
    }

    /// A standard normal deviate, by Marsaglia's polar method (an exact transform
    /// without sine or cosine): each accepted point of the unit disc gives two
    /// independent normals, the second kept for the next call.
    @inlinable
    public mutating func nextNormal() -> Double {
        if hasSpareNormal {
            hasSpareNormal = false
            return spareNormal
        }
        while true {
            let x = 2 * nextUniform() - 1
            let y = 2 * nextUniform() - 1
            let radiusSquared = x * x + y * y
            if radiusSquared < 1 {
                let scale = (-2 * log(radiusSquared) / radiusSquared).squareRoot()
                spareNormal = y * scale
                hasSpareNormal = true
                return x * scale
            }
        }
    }
}
