import Foundation

/// The result values stages leave for their dependents: `<out>/stages/NAME/value.json`.
///
/// Rank 0 writes a stage's file when its last task finishes, before any
/// dependent is handed out; a dependent reads it (on whatever rank runs it)
/// when it fills in `{stages.NAME.value}`. The run directory must therefore be
/// on a file system every rank sees, as it must be for `logs/` anyway.
public struct StageValues: Sendable {
    /// `<out>/stages`, or nil where no stage graph runs (every value then reads as `null`).
    public let directory: String?

    /// Values under `directory`.
    public init(directory: String?) { self.directory = directory }

    /// The directory of stage `name`: its working directory, logs and `value.json`.
    public func stageDirectory(_ name: String) -> String { (directory ?? ".") + "/" + name }

    /// Stage `name`'s value for a template: a JSON string's text, a number typed, anything
    /// else (an array, an object, `null`) as its JSON text; `{stages.NAME.value}` itself
    /// while there is none (in `plan`, before the stage ran).
    public func value(of name: String) -> ParameterValue {
        guard directory != nil,
            let data = FileManager.default.contents(atPath: stageDirectory(name) + "/value.json")
        else { return .string("{stages.\(name).value}") }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if let string = (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) as? String {
            return .string(string)
        }
        return ParameterValue(parsing: text)
    }
}
