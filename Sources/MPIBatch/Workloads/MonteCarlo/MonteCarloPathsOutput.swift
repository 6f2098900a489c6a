extension MonteCarloWorkload {
    /// Block `block` as `simulate(block:)` computes it (same values, same order, same
    /// bits), also writing every path's value to `directory/block-<b>.csv` as
    /// `path,value` lines. The file is replaced atomically, so a retried or resumed
    /// block leaves one complete file.
    public func simulate(block: Int, writingPathsTo directory: String) throws -> MonteCarloAccumulator {
        var accumulator = MonteCarloAccumulator()
        var text = "path,value\n"
        for path in paths(ofBlock: block) {
            let value = value(ofPath: path)
            guard value.isFinite else {
                throw MonteCarloPathError(kernel: spec.kernel, path: UInt64(path), seed: spec.seed, value: value)
            }
            accumulator.add(value)
            text += "\(path),\(value)\n"
        }
        try OutputFile.makeDirectory(directory)
        try OutputFile.replace("\(directory)/block-\(block).csv", with: Array(text.utf8))
        return accumulator
    }
}
