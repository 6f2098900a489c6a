import Foundation
import MPIBatchCore

/// One request to a running run, as one line of `control.jsonl` in its run directory:
/// `{"id":"login1-4242-1f2e","request":"stop","now":false}` or
/// `{"id":"...","request":"cancel","indices":[7,8]}` or `{"id":"...","request":"cancel","stage":"fit"}`. Rank 0 reads new lines on every poll
/// and answers each by its `id` in `status.json`.
public struct ControlRequest: Sendable, Equatable {
    /// What is asked.
    public enum Action: Sendable, Equatable {
        /// Drain the run (exit 3, resumable); `now`: also cancel running tasks (`interrupted`).
        case stop(now: Bool)
        /// Cancel these tasks only (`cancelled`, no retry consumed).
        case cancel([Int])
        /// Cancel a stage of a stage graph by name (its tasks `cancelled`, its dependents skipped).
        case cancelStage(String)
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

    /// A line's fields, as written and read (indices as numbers, checked to be whole after).
    private struct Line: Codable {
        var id: String?
        var request: String?
        var now: Bool?
        var indices: [Double]?
        var stage: String?
    }

    /// The request in one line of `control.jsonl`, newline included.
    public var line: String {
        var fields = Line(id: id)
        switch action {
        case .stop(let now):
            fields.request = "stop"
            fields.now = now
        case .cancel(let indices):
            fields.request = "cancel"
            fields.indices = indices.map(Double.init)
        case .cancelStage(let name):
            fields.request = "cancel"
            fields.stage = name
        }
        let bytes = (try? ReportCoding.encode(fields)) ?? []
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The field a decoding error is about, if it is about one.
    private static func key(of error: any Error) -> String? {
        let context: DecodingError.Context? = switch error as? DecodingError {
        case .typeMismatch(_, let context), .dataCorrupted(let context), .valueNotFound(_, let context): context
        default: nil
        }
        return context?.codingPath.first?.stringValue
    }

    /// The request in `line` (without its newline), or why it is not one.
    init(parsing line: Substring) throws(ControlLineError) {
        let fields: Line
        do {
            fields = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
        } catch {
            throw ControlLineError(Self.key(of: error).map { "\"\($0)\" has the wrong type" } ?? "not a JSON object")
        }
        guard let id = fields.id, !id.isEmpty else { throw ControlLineError("no \"id\" string") }
        self.id = id
        switch fields.request {
        case "stop":
            action = .stop(now: fields.now ?? false)
        case "cancel" where fields.stage != nil:
            guard fields.indices == nil else { throw ControlLineError("\"indices\" and \"stage\" together: cancel tasks or a stage") }
            guard let name = fields.stage, !name.isEmpty else { throw ControlLineError("\"stage\" is empty") }
            action = .cancelStage(name)
        case "cancel":
            guard let numbers = fields.indices, !numbers.isEmpty,
                numbers.allSatisfy({ $0 >= 0 && $0 < 0x1p53 && $0.rounded() == $0 })
            else { throw ControlLineError("\"indices\" is not a list of task indices") }
            action = .cancel(numbers.map { Int($0) })
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
