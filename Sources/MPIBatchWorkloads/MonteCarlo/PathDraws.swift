import CLanes

/// The random draws of a group of eight Monte Carlo paths, laid out lane-wise:
/// lane `l` is path `firstPath + l`. A kernel's hot loop takes one
/// `SIMD8<Double>` of normals (or uniforms, or words) per step, one value per
/// path, from a small buffer that is refilled eight Philox blocks at a time.
///
/// Contract (what makes runs reproducible): a path's draws depend only on
/// (seed, path). Its stream is Philox4x32-10 with key = (seed low, seed high)
/// and counter = (block low, block high, path low, path high), blocks 0, 1, 2, …
/// Each kind of draw refills from the next 8 blocks in turn: normals take 32 (two
/// Box–Muller pairs a block: words 0,1 then 2,3), words take 32 (the block's words
/// in order), uniforms 16 (two a block, 52 bits each: words 0,1 then 2,3). A
/// kernel that draws one kind gets that kind's stream exactly; mixing kinds is
/// deterministic too (each refill takes the next blocks).
///
/// No allocation: the buffers are inline (about 4 KB); the runtime makes one per
/// block of paths and restarts it for each group with `start(firstPath:)`.
public struct PathDraws: Sendable {
    /// Paths per group: the lanes of every draw.
    public static let lanes = 8
    /// Philox blocks per refill.
    @usableFromInline static let blocksPerRefill = 8

    @usableFromInline let key: SIMD2<UInt32>
    @usableFromInline var pathLow = Philox4x32.Lanes()
    @usableFromInline var pathHigh = Philox4x32.Lanes()
    @usableFromInline var nextBlock: UInt64 = 0
    /// The first path of the group (lane 0).
    public private(set) var firstPath: UInt64 = 0

    @usableFromInline var normals = InlineArray<32, SIMD8<Double>>(repeating: .zero)
    @usableFromInline var normalIndex = 32
    @usableFromInline var words = InlineArray<32, SIMD8<UInt32>>(repeating: .zero)
    @usableFromInline var wordIndex = 32
    @usableFromInline var uniforms = InlineArray<16, SIMD8<Double>>(repeating: .zero)
    @usableFromInline var uniformIndex = 16

    /// Draws for the run seeded with `seed`; call `start(firstPath:)` before drawing.
    public init(seed: UInt64) {
        key = SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    }

    /// Starts the group of paths `firstPath ..< firstPath + 8` at block 0.
    public mutating func start(firstPath: UInt64) {
        self.firstPath = firstPath
        let paths = SIMD8<UInt64>(repeating: firstPath) &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7)
        pathLow = paths & 0xFFFF_FFFF
        pathHigh = paths &>> 32
        nextBlock = 0
        normalIndex = normals.count
        wordIndex = words.count
        uniformIndex = uniforms.count
    }

    /// The next standard normal of each path.
    @inlinable
    public mutating func nextNormal() -> SIMD8<Double> {
        if normalIndex == normals.count { refillNormals() }
        defer { normalIndex &+= 1 }
        return normals[normalIndex]
    }

    /// The next 32 random bits of each path.
    @inlinable
    public mutating func nextWord() -> SIMD8<UInt32> {
        if wordIndex == words.count { refillWords() }
        defer { wordIndex &+= 1 }
        return words[wordIndex]
    }

    /// The next uniform of each path in the open interval (0, 1): the midpoints of
    /// a grid of 2^52 cells, so neither 0 nor 1 can occur.
    @inlinable
    public mutating func nextUniform() -> SIMD8<Double> {
        if uniformIndex == uniforms.count { refillUniforms() }
        defer { uniformIndex &+= 1 }
        return uniforms[uniformIndex]
    }

    /// The block `nextBlock + offset` of every lane.
    @inline(__always)
    func block(_ offset: Int) -> (Philox4x32.Lanes, Philox4x32.Lanes, Philox4x32.Lanes, Philox4x32.Lanes) {
        let index = nextBlock &+ UInt64(offset)
        return Philox4x32.blocks(
            Philox4x32.Lanes(repeating: index & 0xFFFF_FFFF), Philox4x32.Lanes(repeating: index >> 32),
            pathLow, pathHigh, key: key)
    }

    @usableFromInline
    mutating func refillNormals() {
        // One C call, Philox and Box–Muller fused, compiled for the CPU it runs on
        // (`clanes_fill_normals`), which fills exactly this buffer.
        assert(normals.count == Int(CLANES_NORMALS_PER_FILL) && Self.blocksPerRefill == normals.count / 4)
        withUnsafeBytes(of: pathLow) { low in
            withUnsafeBytes(of: pathHigh) { high in
                withUnsafeMutableBytes(of: &normals) {
                    clanes_fill_normals(key.x, key.y, low.baseAddress, high.baseAddress, nextBlock, $0.baseAddress)
                }
            }
        }
        nextBlock &+= UInt64(Self.blocksPerRefill)
        normalIndex = 0
    }

    @usableFromInline
    mutating func refillWords() {
        for offset in 0..<Self.blocksPerRefill {
            let (w0, w1, w2, w3) = block(offset)
            (words[4 * offset], words[4 * offset + 1]) = (clanes_narrow(w0), clanes_narrow(w1))
            (words[4 * offset + 2], words[4 * offset + 3]) = (clanes_narrow(w2), clanes_narrow(w3))
        }
        nextBlock &+= UInt64(Self.blocksPerRefill)
        wordIndex = 0
    }

    @usableFromInline
    mutating func refillUniforms() {
        for offset in 0..<Self.blocksPerRefill {
            let (w0, w1, w2, w3) = block(offset)
            uniforms[2 * offset] = clanes_uniform(w0, w1)
            uniforms[2 * offset + 1] = clanes_uniform(w2, w3)
        }
        nextBlock &+= UInt64(Self.blocksPerRefill)
        uniformIndex = 0
    }
}
