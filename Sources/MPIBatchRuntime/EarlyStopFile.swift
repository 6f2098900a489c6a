import Foundation
import MPIBatchCore
import MPIBatchScheduling

/// `<out>/early-stops.json`: the early stops of every part of a run, so that `--resume`
/// runs nothing more of a sweep or stage that stopped (`stop_when:` met, `race:` won).
package enum EarlyStopFile {
    /// The file's path in run directory `directory`.
    static func path(in directory: String) -> String { directory + "/early-stops.json" }

    /// The stops recorded in `directory` (none when there is no file).
    static func read(from directory: String) throws(RunFileError) -> [EarlyStop] {
        let path = path(in: directory)
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path),
            let stops = try? JSONDecoder().decode([EarlyStop].self, from: data)
        else { throw RunFileError(path: path, reason: "unreadable: cannot tell which sweeps or stages stopped early") }
        return stops
    }

    /// Replaces the file in `directory` with `stops`.
    package static func write(_ stops: [EarlyStop], to directory: String) throws(OutputError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(stops)) ?? Data()
        try OutputFile.replace(path(in: directory), with: Array(data) + [UInt8(ascii: "\n")])
    }
}
