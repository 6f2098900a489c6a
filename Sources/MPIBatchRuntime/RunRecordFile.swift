import Foundation
import MPIBatchCore
import MPIBatchScheduling

/// A list kept in a run directory across the parts of a run, replaced whole by rename: what
/// `--resume` must not undo, beside the journal's task lines.
package struct RunRecordFile<Element: Codable>: Sendable {
    /// The file's name in the run directory.
    let name: String
    /// What a resume cannot tell when the file is unreadable.
    let unreadable: String

    /// The elements recorded in `directory` (none when there is no file).
    func read(from directory: String) throws(RunFileError) -> [Element] {
        let path = directory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path),
            let elements = try? JSONDecoder().decode([Element].self, from: data)
        else { throw RunFileError(path: path, reason: "unreadable: " + unreadable) }
        return elements
    }

    /// Replaces the file in `directory` with `elements`.
    package func write(_ elements: [Element], to directory: String) throws(OutputError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(elements)) ?? Data()
        try OutputFile.replace(directory + "/" + name, with: Array(data) + [UInt8(ascii: "\n")])
    }
}

extension RunRecordFile where Element == EarlyStop {
    /// `<out>/early-stops.json`: the early stops of every part of a run, so that `--resume`
    /// runs nothing more of a sweep or stage that stopped (`stop_when:` met, `race:` won).
    package static let earlyStops = RunRecordFile(
        name: "early-stops.json", unreadable: "cannot tell which sweeps or stages stopped early")
}

extension RunRecordFile where Element == String {
    /// `<out>/cancelled-stages.json`: the stages `mpibatch cancel --stage` cancelled in every
    /// part of a run, so that `--resume` cancels them again (unless `--retry-cancelled`).
    package static let cancelledStages = RunRecordFile(
        name: "cancelled-stages.json", unreadable: "cannot tell which stages were cancelled")
}
