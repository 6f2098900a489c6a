/// What a worker did wrong on its protocol descriptor.
enum WorkerProtocolError: Error, Sendable, CustomStringConvertible {
    /// Bytes that are not a frame (a bad length, an unknown type).
    case badFrame(String)
    /// A frame whose JSON is malformed or lacks what its kind needs.
    case badMessage(String)

    /// The reason, for the task's error.
    var description: String {
        switch self {
        case .badFrame(let reason): "the worker broke the protocol: \(reason)"
        case .badMessage(let reason): "the worker broke the protocol: \(reason)"
        }
    }
}
