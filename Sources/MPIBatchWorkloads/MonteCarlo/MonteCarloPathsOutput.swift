import MPIBatchCore
import MPIBatchScheduling

extension MonteCarloWorkload {
    /// Block `block` as `simulate(block:)` computes it (same values, same order, same
    /// bits), also writing every path's value to `directory/block-<b>.csv` as
    /// `path,value` lines. The file is replaced atomically, so a retried or resumed
    /// block leaves one complete file.
    public func simulate(block: Int, writingPathsTo directory: String) throws -> MonteCarloAccumulator {
        var text = "path,value\n"
        let accumulator = try simulate(block: block) { path, value in text += "\(path),\(value)\n" }
        try OutputFile.makeDirectory(directory)
        try OutputFile.replace("\(directory)/block-\(block).csv", with: Array(text.utf8))
        return accumulator
    }
}
