import Foundation
import MPIBatchJob
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
}

/// Stage values a process has read, by stage name: each `value.json` is read and parsed once.
private final class StageValueCache: Sendable {
    private let values = Mutex<[String: ParameterValue]>([:])

    /// The value read earlier for stage `name`, if any.
    func value(of name: String) -> ParameterValue? { values.withLock { $0[name] } }

    /// Remembers stage `name`'s `value`.
    func keep(_ value: ParameterValue, of name: String) { values.withLock { $0[name] = value } }
}
