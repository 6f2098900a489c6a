import Foundation
import MPIBatchCore
import MPIBatchJob

/// Rank 0 checks a `stop_when:` condition against each result as it arrives.
extension StopCondition {
    /// Whether a task that ended with `status` and `value` meets the condition.
    public func holds(status: TaskStatus, value: TaskValue) -> Bool {
        guard status == .ok else { return false }
        switch self {
        case .succeeded:
            return true
        case .comparison(let path, let comparison, let bound):
            guard let number = Self.number(in: value, at: path) else { return false }
            return comparison.holds(number, bound)
        }
    }

    /// The number at `path` in `value`, if there is one.
    static func number(in value: TaskValue, at path: [String]) -> Double? {
        switch value {
        case .number(let number):
            return path.isEmpty ? number : nil
        case .text(let text):
            return path.isEmpty ? Double(text.trimmingCharacters(in: .whitespaces)) : nil
        case .json(let json):
            guard var node = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) else { return nil }
            for field in path {
                guard let object = node as? [String: Any], let inner = object[field] else { return nil }
                node = inner
            }
            return (node as? NSNumber)?.doubleValue
        case .none, .numbers:
            return nil
        }
    }
}
