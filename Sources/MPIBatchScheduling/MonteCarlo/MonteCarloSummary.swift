import MPIBatchCore

/// What a Monte Carlo run (or one `montecarlo:` stage) adds to `summary.json`: the kernel,
/// the estimate with its standard error and 95% interval, the paths' range, the blocks, the
/// kernel's reference value if it has one, and the target's outcome if one was set.
///
/// A number with no value (the range of zero paths) is written `null`. The reference goes
/// under its own name (`"black_scholes": 4.76`), which `reference_name` records so the
/// summary reads back.
public struct MonteCarloSummary: Codable, Sendable, Equatable {
    /// The kernel's name.
    public var kernel: String
    /// The seed, as a string (a UInt64 may exceed what JSON readers hold exactly).
    public var seed: String
    /// Paths merged.
    public var paths: Int
    /// Their mean.
    public var estimate: Double
    /// Its standard error.
    public var standardError: Double
    /// The 95% interval's ends.
    public var ci95Low: Double, ci95High: Double
    /// The smallest and largest path value (±∞ with no paths, written `null`).
    public var minimum: Double, maximum: Double
    /// Blocks received, and blocks the run had.
    public var blocks: Int, blocksTotal: Int
    /// The kernel's reference value, if it has one.
    public var reference: MonteCarloReference?
    /// Whether the precision target was met; nil without a target.
    public var targetMet: Bool?
    /// Blocks whose values were not accumulators, left out; nil when there were none.
    public var blocksMalformed: [Int]?

    enum CodingKeys: String, CodingKey {
        case kernel, seed, paths, estimate, standardError = "stderr", ci95Low = "ci95_low", ci95High = "ci95_high"
        case minimum = "min", maximum = "max", blocks, blocksTotal = "blocks_total", referenceName = "reference_name"
        case targetMet = "target_met", blocksMalformed = "blocks_malformed"
    }

    /// The summary of `total`, merged from `blocks` of `blocksTotal` blocks of `kernel` under `seed`.
    package init(
        kernel: String, seed: UInt64, total: MonteCarloAccumulator, blocks: Int, blocksTotal: Int,
        reference: MonteCarloReference?, targetMet: Bool?, blocksMalformed: [Int]
    ) {
        let estimate = MonteCarloEstimate(total)
        self.kernel = kernel
        self.seed = String(seed)
        paths = estimate.paths
        self.estimate = estimate.mean
        standardError = estimate.standardError
        ci95Low = estimate.ci95Low
        ci95High = estimate.ci95High
        minimum = total.minimum
        maximum = total.maximum
        self.blocks = blocks
        self.blocksTotal = blocksTotal
        self.reference = reference
        self.targetMet = targetMet
        self.blocksMalformed = blocksMalformed.isEmpty ? nil : blocksMalformed
    }

    /// Writes the fields into the encoder's object (flat: beside the run's own fields, or
    /// inside a stage's object under `montecarlo`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kernel, forKey: .kernel)
        try container.encode(seed, forKey: .seed)
        try container.encode(paths, forKey: .paths)
        for (key, number) in [
            (CodingKeys.estimate, estimate), (.standardError, standardError), (.ci95Low, ci95Low), (.ci95High, ci95High),
            (.minimum, minimum), (.maximum, maximum),
        ] {
            try container.encodeNumber(number, forKey: key)
        }
        try container.encode(blocks, forKey: .blocks)
        try container.encode(blocksTotal, forKey: .blocksTotal)
        try container.encodeIfPresent(targetMet, forKey: .targetMet)
        try container.encodeIfPresent(blocksMalformed, forKey: .blocksMalformed)
        if let reference {
            try container.encode(reference.name, forKey: .referenceName)
            var named = encoder.container(keyedBy: ReportKey.self)
            try named.encodeNumber(reference.value, forKey: ReportKey(reference.name))
        }
    }

    /// Reads the fields back from the encoder's object.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kernel = try container.decode(String.self, forKey: .kernel)
        seed = try container.decode(String.self, forKey: .seed)
        paths = try container.decode(Int.self, forKey: .paths)
        estimate = try container.decodeNumber(forKey: .estimate)
        standardError = try container.decodeNumber(forKey: .standardError)
        ci95Low = try container.decodeNumber(forKey: .ci95Low)
        ci95High = try container.decodeNumber(forKey: .ci95High)
        minimum = try container.decodeNumber(forKey: .minimum)
        maximum = try container.decodeNumber(forKey: .maximum)
        blocks = try container.decode(Int.self, forKey: .blocks)
        blocksTotal = try container.decode(Int.self, forKey: .blocksTotal)
        targetMet = try container.decodeIfPresent(Bool.self, forKey: .targetMet)
        blocksMalformed = try container.decodeIfPresent([Int].self, forKey: .blocksMalformed)
        if let name = try container.decodeIfPresent(String.self, forKey: .referenceName) {
            let named = try decoder.container(keyedBy: ReportKey.self)
            reference = MonteCarloReference(name: name, value: try named.decodeNumber(forKey: ReportKey(name)))
        }
    }
}
