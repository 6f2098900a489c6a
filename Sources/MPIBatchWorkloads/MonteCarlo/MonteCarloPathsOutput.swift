import MPIBatchCore
import MPIBatchRuntime
import MPIBatchScheduling

/// A block's `paths_out:` file, `<directory>/block-<b>.csv`: one `path,value` line per path,
/// in path order. The file is replaced atomically, so a retried or resumed block leaves one
/// complete file.
struct MonteCarloPathsFile {
    private var text = "path,value\n"

    /// Adds path `path`'s value.
    mutating func add(path: UInt64, value: Double) { text += "\(path),\(value)\n" }

    /// Writes the lines added as block `block`'s file in `directory`.
    func write(block: Int, to directory: String) throws {
        try OutputFile.makeDirectory(directory)
        try OutputFile.replace("\(directory)/block-\(block).csv", with: Array(text.utf8))
    }
}

extension MonteCarloBlocks {
    /// Where `paths_out:` puts the files of `task`'s run (relative to its run directory), if asked.
    func pathsDirectory(for task: TaskContext) -> String? {
        spec.pathsOut.map { $0.hasPrefix("/") ? $0 : task.outputDirectory + "/" + $0 }
    }
}

extension MonteCarloWorkload {
    /// Block `block` as `simulate(block:)` computes it (same values, same order, same
    /// bits), also writing every path's value to `directory/block-<b>.csv`.
    public func simulate(block: Int, writingPathsTo directory: String) throws -> MonteCarloAccumulator {
        var file = MonteCarloPathsFile()
        let accumulator = try simulate(block: block) { path, value in file.add(path: path, value: value) }
        try file.write(block: block, to: directory)
        return accumulator
    }
}
