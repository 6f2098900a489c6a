import Foundation
import MPIBatchCore
import MPIBatchJournal

/// What mpibatch says to a worker (`docs/worker-protocol.md`), as frames.
enum WorkerRequest {
    /// The protocol version this mpibatch speaks.
    static let protocolVersion = 1
    /// What `hello` offers beyond version 1's messages: a worker whose `ready` accepts it is sent `columns` batches.
    static let columns = "columns"
    /// What a worker that accepts `columns` also accepts when its function wants each task's seed.
    static let seeds = "seeds"
    /// What `hello` offers a worker given a ring of shared memory (`WorkerSharedValues`): a
    /// worker that accepts it may leave a result's float64 values there (`"shared_at"`).
    static let sharedValues = "shared_values"

    /// `hello`: the first frame a worker reads; `shared`, the ring it is offered for its float64 values.
    static func hello(rank: Int, slot: Int, cores: Int, shared: WorkerSharedValues? = nil) -> [UInt8] {
        var json = JSONWriter(capacity: 96)
        json.beginObject()
        json.field("kind", "hello")
        json.field("protocol", protocolVersion)
        json.field("rank", rank)
        json.field("slot", slot)
        json.field("cores", cores)
        json.key("offers")
        json.beginArray()
        json.value(columns)
        if shared != nil { json.value(sharedValues) }
        json.endArray()
        if let shared {
            json.key(sharedValues)
            json.beginObject()
            json.field("fd", Int(WorkerSharedValues.descriptor))
            json.field("header", WorkerSharedValues.headerBytes)
            json.field("bytes", shared.bytes)
            json.endObject()
        }
        json.endObject()
        return WorkerFrame.json(json.bytes)
    }
}

/// Builds a `batch` frame task by task.
struct WorkerBatchWriter {
    private var json = JSONWriter(capacity: 4096)
    /// How many tasks are in it.
    private(set) var count = 0

    /// An empty batch.
    init() {
        json.beginObject()
        json.field("kind", "batch")
        json.key("tasks")
        json.beginArray()
    }

    /// The bytes written so far.
    var byteCount: Int { json.bytes.count }

    /// Adds a task; `writeParameters` writes its parameters as one JSON object, and
    /// `writeMore` any members after them (a Monte Carlo block's `montecarlo`).
    mutating func add(
        index: Int, seed: Int, attempt: Int, writeParameters: (inout JSONWriter) -> Void,
        writeMore: (inout JSONWriter) -> Void = { _ in }
    ) {
        json.beginObject()
        json.field("index", index)
        json.field("seed", seed)
        json.field("attempt", attempt)
        json.key("params")
        writeParameters(&json)
        writeMore(&json)
        json.endObject()
        count += 1
    }

    /// The finished frame.
    consuming func frame() -> [UInt8] {
        json.endArray()
        json.endObject()
        return WorkerFrame.json(json.bytes)
    }
}

/// What a worker says (`docs/worker-protocol.md`), decoded from a JSON frame.
enum WorkerReply: Sendable, Equatable {
    /// `ready`: the handshake's answer; `worker` names the language, version and program,
    /// `environment` (optional) what its values depend on (`RunEnvironment`), and `accepts`
    /// what it takes of what `hello` offered (`WorkerRequest.columns`, `.seeds`).
    case ready(protocolVersion: Int, worker: String, environment: RunEnvironment? = nil, accepts: Set<String> = [])
    /// `start_error`: the worker cannot work at all.
    case startError(message: String, file: String?, line: Int?)
    /// `result`: task `index` succeeded with `value`, or failed with `error`; `stdoutEnd`
    /// and `stderrEnd` say where its output ends in the worker's files, and `cpuSeconds` what
    /// CPU time it took, when the worker says.
    case result(index: Int, outcome: Outcome, stdoutEnd: Int?, stderrEnd: Int?, cpuSeconds: Double?)
    /// `results`: tasks `index ..< index + values.count` succeeded with `values` and printed
    /// nothing; `cpuSeconds` is the CPU time of them all, when the worker says.
    case results(index: Int, values: [TaskValue], cpuSeconds: Double?)

    /// A task's outcome.
    enum Outcome: Sendable, Equatable {
        /// Its value.
        case value(TaskValue)
        /// Why it failed.
        case error(String)
        /// Its value is `count` float64 values, in the float64 frame that comes next, or at
        /// `sharedAt` in the ring of shared memory (`WorkerSharedValues`) when that is set.
        case float64(count: Int, sharedAt: Int? = nil)
    }

    /// Decodes one JSON payload.
    static func decode(_ payload: ArraySlice<UInt8>) throws(WorkerProtocolError) -> WorkerReply {
        try payload.withUnsafeBufferPointer { (bytes) throws(WorkerProtocolError) -> WorkerReply in
            guard let members = JournalLineScanner.members(of: bytes) else {
                throw .badMessage("a frame that is not a JSON object: " + String(decoding: bytes.prefix(80), as: UTF8.self))
            }
            func raw(_ key: String) -> UnsafeBufferPointer<UInt8>? {
                members.first { $0.key == key }.map { UnsafeBufferPointer(rebasing: bytes[$0.value]) }
            }
            func string(_ key: String) -> String? { raw(key).flatMap(Self.string) }
            func integer(_ key: String) -> Int? { raw(key).flatMap { Int(String(decoding: $0, as: UTF8.self)) } }
            switch string("kind") {
            case "result":
                guard let index = integer("index") else { throw .badMessage("a result without an integer index") }
                let outcome: Outcome
                if let error = raw("error"), !Self.isNull(error) {
                    outcome = .error(Self.string(error) ?? String(decoding: error, as: UTF8.self))
                } else if let count = raw("float64") {
                    guard let count = Int(String(decoding: count, as: UTF8.self)), count >= 0, count <= WorkerFrame.maximumLength / 8 else {
                        throw .badMessage("result \(index) announces \(String(decoding: count, as: UTF8.self)) float64 values, not a count")
                    }
                    var sharedAt: Int?
                    if let at = raw("shared_at") {
                        guard let position = Int(String(decoding: at, as: UTF8.self)), position >= 0 else {
                            throw .badMessage("result \(index) says its values lie at \(String(decoding: at, as: UTF8.self)), not a position")
                        }
                        sharedAt = position
                    }
                    outcome = .float64(count: count, sharedAt: sharedAt)
                } else if let value = raw("value") {
                    outcome = .value(Self.value(value))
                } else {
                    throw .badMessage("result \(index) has neither value nor error")
                }
                let cpu = raw("cpu").flatMap { Double(String(decoding: $0, as: UTF8.self)) }
                return .result(index: index, outcome: outcome, stdoutEnd: integer("out"), stderrEnd: integer("err"), cpuSeconds: cpu)
            case "results":
                guard let index = integer("index") else { throw .badMessage("results without an integer index") }
                guard let array = raw("values"), let elements = JournalLineScanner.elements(of: array), !elements.isEmpty else {
                    throw .badMessage("results \(index) without a non-empty array of values")
                }
                let cpu = raw("cpu").flatMap { Double(String(decoding: $0, as: UTF8.self)) }
                return .results(index: index, values: elements.map { Self.value(UnsafeBufferPointer(rebasing: array[$0])) }, cpuSeconds: cpu)
            case "ready":
                guard let version = integer("protocol") else { throw .badMessage("ready without an integer protocol version") }
                return .ready(
                    protocolVersion: version, worker: string("worker") ?? "", environment: try environment(raw("environment")),
                    accepts: try accepted(raw("accepts")))
            case "start_error":
                return .startError(message: string("error") ?? "(no message)", file: string("file"), line: integer("line"))
            case let kind:
                throw .badMessage("a frame of unknown kind \(kind.map { "'\($0)'" } ?? "(none)")")
            }
        }
    }

    /// `ready`'s `environment`: an object whose members are all strings (nil when absent or null).
    private static func environment(_ raw: UnsafeBufferPointer<UInt8>?) throws(WorkerProtocolError) -> RunEnvironment? {
        guard let raw, !isNull(raw) else { return nil }
        guard let members = JournalLineScanner.members(of: raw) else {
            throw .badMessage("ready's environment is not a JSON object: " + String(decoding: raw.prefix(80), as: UTF8.self))
        }
        var environment: [String: String] = [:]
        for member in members {
            guard let value = string(UnsafeBufferPointer(rebasing: raw[member.value])) else {
                throw .badMessage("ready's environment member '\(member.key)' is not a string (send versions as strings)")
            }
            environment[member.key] = value
        }
        return RunEnvironment(environment)
    }

    /// `ready`'s `accepts`: an array of strings (empty when absent or null).
    private static func accepted(_ raw: UnsafeBufferPointer<UInt8>?) throws(WorkerProtocolError) -> Set<String> {
        guard let raw, !isNull(raw) else { return [] }
        guard let elements = JournalLineScanner.elements(of: raw),
            case let names = elements.compactMap({ string(UnsafeBufferPointer(rebasing: raw[$0])) }), names.count == elements.count
        else {
            throw .badMessage("ready's accepts is not an array of strings: " + String(decoding: raw.prefix(80), as: UTF8.self))
        }
        return Set(names)
    }

    /// A number as `.number`, `null` as `.none`, anything else as its JSON text.
    private static func value(_ raw: UnsafeBufferPointer<UInt8>) -> TaskValue {
        guard let first = raw.first else { return .none }
        if let integer = smallInteger(raw) { return .number(Double(integer)) }
        if isNull(raw) { return .none }
        if first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
            let number = Double(String(decoding: raw, as: UTF8.self)), number.isFinite, abs(number) < 9.007_199_254_740_992e15
        {
            return .number(number)
        }
        return .json(String(decoding: raw, as: UTF8.self))
    }

    /// A plain integer of at most 15 digits (exact as a double), read without a string.
    private static func smallInteger(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let negative = raw.first == UInt8(ascii: "-")
        let digits = negative ? 1 : 0
        guard raw.count > digits, raw.count - digits <= 15 else { return nil }
        if raw.count - digits > 1, raw[digits] == UInt8(ascii: "0") { return nil }  // not JSON: leave it to the text
        var value = 0
        for byte in raw[digits...] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard !negative || value != 0 else { return nil }  // -0 stays -0
        return negative ? -value : value
    }

    private static func isNull(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        raw.count == 4 && raw[0] == UInt8(ascii: "n") && raw[1] == UInt8(ascii: "u") && raw[2] == UInt8(ascii: "l") && raw[3] == UInt8(ascii: "l")
    }

    /// The text of a JSON string (any escape), or nil when `raw` is not one.
    private static func string(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        guard raw.first == UInt8(ascii: "\"") else { return nil }
        if let plain = JournalString.decode(raw) { return plain }
        return (try? JSONSerialization.jsonObject(with: Data(buffer: raw), options: .fragmentsAllowed)) as? String
    }
}
