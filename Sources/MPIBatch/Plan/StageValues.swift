import Foundation
import Synchronization

/// The result values stages leave for their dependents: `<out>/stages/NAME/value.json`.
///
/// Rank 0's driver writes a stage's file when its last task finishes, before any
/// dependent is handed out; a dependent reads it (on whatever rank runs it) when it
/// fills in `{stages.NAME.value}`, once per process: the value is cached after its first
/// read, as a finished stage's value never changes. The run directory must therefore be
/// on a file system every rank sees, as it must be for `logs/` anyway.
public struct StageValues: Sendable {
    /// `<out>/stages`, or nil where no stage graph runs (every value then reads as `null`).
    public let directory: String?
    private let cache = StageValueCache()

    /// Values under `directory`.
    public init(directory: String?) { self.directory = directory }

    /// The directory of stage `name`: its working directory, logs and `value.json`.
    public func stageDirectory(_ name: String) -> String { (directory ?? ".") + "/" + name }

    /// Stage `name`'s value for a template: a JSON string's text, a number typed, anything
    /// else (an array, an object, `null`) as its JSON text; `{stages.NAME.value}` itself
    /// while there is none (in `plan`, before the stage ran), which is not cached.
    public func value(of name: String) -> ParameterValue {
        if let cached = cache.value(of: name) { return cached }
        guard directory != nil,
            let data = FileManager.default.contents(atPath: stageDirectory(name) + "/value.json")
        else { return .string("{stages.\(name).value}") }
        let value = Self.parameterValue(parsing: data)
        cache.keep(value, of: name)
        return value
    }

    /// A `value.json`'s content as a template value.
    static func parameterValue(parsing data: Data) -> ParameterValue {
        if let string = (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) as? String {
            return .string(string)
        }
        return ParameterValue(parsing: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `stage`'s `value.json` from its tasks' `values` (by local index): an inline stage's one
    /// task's value, a fan-out stage's array of its tasks' values, a Monte Carlo stage's
    /// estimate, its blocks merged in block order (so it is the same whatever ran them), or,
    /// for a stage that stopped early (`winner`), the value of the task that stopped it.
    public static func encode(_ values: [TaskValue], of stage: StageGraph.Stage, winner: Int? = nil) -> [UInt8] {
        var json = JSONWriter()
        if let winner {
            values[winner].write(to: &json)
            json.newline()
            return json.bytes
        }
        switch stage.body {
        case .tasks(_, fansOut: true):
            json.beginArray()
            for value in values { value.write(to: &json) }
            json.endArray()
        case .tasks(_, fansOut: false):
            (values.first ?? .none).write(to: &json)
        case .monteCarlo:
            var total = MonteCarloAccumulator()
            for block in values.compactMap({ MonteCarloAccumulator($0) }) { total.merge(block) }
            json.value(MonteCarloEstimate(total).mean)
        }
        json.newline()
        return json.bytes
    }

    /// Writes `bytes` (from `encode`) as stage `name`'s `value.json`; nothing without a directory.
    public func store(_ bytes: [UInt8], of name: String) throws(OutputError) {
        guard directory != nil else { return }
        try OutputFile.makeDirectory(stageDirectory(name))
        try OutputFile.replace(stageDirectory(name) + "/value.json", with: bytes)
    }
}

/// Stage values a process has read, by stage name: each `value.json` is read and parsed once.
private final class StageValueCache: Sendable {
    private let values = Mutex<[String: ParameterValue]>([:])

    /// The value read earlier for stage `name`, if any.
    func value(of name: String) -> ParameterValue? { values.withLock { $0[name] } }

    /// Remembers stage `name`'s `value`.
    func keep(_ value: ParameterValue, of name: String) { values.withLock { $0[name] = value } }
}
