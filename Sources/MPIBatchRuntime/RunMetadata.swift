import CCPUCheck
import Foundation
import MPIBatchCore

/// `run.json`: which job a run directory holds and the parts it ran in.
struct RunMetadata: Codable {
    /// The job's name.
    var name: String
    /// The job file's content hash: `--resume` refuses another job.
    var contentHash: String
    /// The job's task count.
    var tasksTotal: Int
    /// Each start and resume of the run, in order.
    var parts: [Part]

    /// One start or resume.
    struct Part: Codable {
        /// Where its task times begin on the run's time axis.
        var startOffset: Double
        /// When it began, in seconds since the Unix epoch.
        var startedAt: Double
        /// The mpibatch version that ran it (absent in parts written before it was recorded).
        var version: String? = nil
        /// The CPU level the binary that ran it was built for (`x86-64`, `x86-64-v3`, …):
        /// estimates are bit-identical across levels, speed is not.
        var builtFor: String? = nil
        /// What the run said at its start (which interpreter runs `python:` tasks, say); absent when nothing.
        var notes: [String]? = nil
        /// What its model's worker ran under (interpreter, numpy): absent when the run has no
        /// such model, its worker does not say, or the part was written before it was recorded.
        var environment: RunEnvironment? = nil

        /// A part that begins now, run by this binary, with the start's `notes` and `environment`.
        static func startingNow(at startOffset: Double, startedAt: Double, notes: [String] = [], environment: RunEnvironment? = nil) -> Part {
            Part(
                startOffset: startOffset, startedAt: startedAt, version: MPIBatchVersion.current,
                builtFor: String(cString: ccpucheck_built_for()), notes: notes.isEmpty ? nil : notes, environment: environment)
        }

        enum CodingKeys: String, CodingKey {
            case startOffset = "start_offset", startedAt = "started_at", version, builtFor = "built_for", notes, environment
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, contentHash = "content_hash", tasksTotal = "tasks_total", parts
    }

    init(name: String, contentHash: String, tasksTotal: Int, parts: [Part]) {
        self.name = name
        self.contentHash = contentHash
        self.tasksTotal = tasksTotal
        self.parts = parts
    }

    /// Reads run.json; one written before parts were recorded has one part, from 0.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        contentHash = try container.decode(String.self, forKey: .contentHash)
        tasksTotal = try container.decode(Int.self, forKey: .tasksTotal)
        parts = try container.decodeIfPresent([Part].self, forKey: .parts) ?? [Part(startOffset: 0, startedAt: 0)]
    }

    /// Reads `path`; an unreadable one is refused, naming the member at fault when it is one.
    static func read(from path: String) throws(RunFileError) -> RunMetadata {
        let unreadable = "missing or unreadable: cannot tell which job this run was"
        guard let data = FileManager.default.contents(atPath: path) else { throw RunFileError(path: path, reason: unreadable) }
        do {
            return try JSONDecoder().decode(RunMetadata.self, from: data)
        } catch DecodingError.typeMismatch(let type, let context) {
            throw RunFileError(path: path, reason: "\(Self.place(context)) is not \(Self.kind(type)) (edited by hand?); \(unreadable)")
        } catch DecodingError.valueNotFound(let type, let context) {
            throw RunFileError(path: path, reason: "\(Self.place(context)) is null, not \(Self.kind(type)) (edited by hand?); \(unreadable)")
        } catch {
            throw RunFileError(path: path, reason: unreadable)
        }
    }

    /// `parts[1].environment.numpy`: where a decoding error is.
    private static func place(_ context: DecodingError.Context) -> String {
        var text = ""
        for key in context.codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text.isEmpty ? "its content" : text
    }

    /// `a string`, `an object of strings`, … for the type a decoder wanted.
    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        default: String(describing: type).hasPrefix("Dictionary") ? "an object" : "a \(type)"
        }
    }

    func write(to path: String) throws(OutputError) {
        try OutputFile.replace(path, with: (try? ReportCoding.encode(self)) ?? [])
    }
}
