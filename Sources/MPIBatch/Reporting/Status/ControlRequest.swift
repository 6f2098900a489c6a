import Foundation

/// One request to a running run, as one line of `control.jsonl` in its run directory:
/// `{"id":"login1-4242-1f2e","request":"stop","now":false}` or
/// `{"id":"...","request":"cancel","indices":[7,8]}`. Rank 0 reads new lines on every poll
/// and answers each by its `id` in `status.json`.
public struct ControlRequest: Sendable, Equatable {
    /// What is asked.
    public enum Action: Sendable, Equatable {
        /// Drain the run (exit 3, resumable); `now`: also cancel running tasks (`interrupted`).
        case stop(now: Bool)
        /// Cancel these tasks only (`cancelled`, no retry consumed).
        case cancel([Int])
    }

    /// Names the request in rank 0's answer; unique per request (host, pid, random).
    public var id: String
    /// What is asked.
    public var action: Action

    /// A request with a fresh id.
    public init(_ action: Action) {
        id = "\(HostName.current())-\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16))"
        self.action = action
    }

    /// The request in one line of `control.jsonl`, newline included.
    public var line: String {
        var object: [String: Any] = ["id": id]
        switch action {
        case .stop(let now):
            object["request"] = "stop"
            object["now"] = now
        case .cancel(let indices):
            object["request"] = "cancel"
            object["indices"] = indices
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The request in `line` (without its newline), or why it is not one.
    init(parsing line: Substring) throws(ControlLineError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ControlLineError("not a JSON object")
        }
        guard let id = object["id"] as? String, !id.isEmpty else { throw ControlLineError("no \"id\" string") }
        self.id = id
        switch object["request"] as? String {
        case "stop":
            action = .stop(now: object["now"] as? Bool ?? false)
        case "cancel":
            let values = object["indices"] as? [Any] ?? []
            let indices = values.compactMap { $0 is Bool ? nil : $0 as? Int }
            guard !values.isEmpty, indices.count == values.count, indices.allSatisfy({ $0 >= 0 }) else {
                throw ControlLineError("\"indices\" is not a list of task indices")
            }
            action = .cancel(indices)
        case let other:
            throw ControlLineError("unknown request \(other.map { "\"\($0)\"" } ?? "(none)"): stop or cancel")
        }
    }
}

/// A line of `control.jsonl` that is not a request.
struct ControlLineError: Error, CustomStringConvertible {
    /// What is wrong with it.
    let description: String
    init(_ description: String) { self.description = description }
}
