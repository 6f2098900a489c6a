import Foundation
import Testing
import MPIBatchCore
@testable import MPIBatchWorkloads

extension WorkerFrameReader {
    /// Reads `bytes` as the worker's socket would give them, in reads as large as the reader's room.
    mutating func feed(_ bytes: ArraySlice<UInt8>) {
        var rest = bytes
        while !rest.isEmpty {
            let count = receive { room in
                let count = min(room.count, rest.count)
                rest.prefix(count).withUnsafeBytes { room.copyMemory(from: $0) }
                return count
            }
            rest = rest.dropFirst(count)
        }
    }
}

@Suite struct WorkerFrameTests {
    private func frames(_ bytes: [UInt8], splitAt cuts: [Int]) throws -> [String] {
        var reader = WorkerFrameReader()
        var payloads: [String] = []
        var start = 0
        for end in cuts + [bytes.count] where end >= start {
            reader.feed(bytes[start..<end])
            start = end
            while let frame = try reader.next() {
                #expect(frame.kind == .json)
                payloads.append(String(decoding: frame.payload, as: UTF8.self))
            }
        }
        #expect(!reader.hasPartialFrame)
        return payloads
    }

    @Test func framesSurviveAnySplitOfTheStream() throws {
        let payloads = [
            #"{"kind":"ready","protocol":1}"#, "{}", String(repeating: "x", count: 70_000), "{}",
            String(repeating: "y", count: 300_000), "{}",
        ]
        var stream: [UInt8] = []
        for payload in payloads { WorkerFrame.append(json: Array(payload.utf8), to: &stream) }
        #expect(Array(stream[0..<5]) == [30, 0, 0, 0, 1])  // 29 bytes of JSON + the type byte, little-endian
        for cut in [1, 3, 4, 5, 6, 35, 36, 40, 70_000, 70_050, 100_000, 370_000] {
            #expect(try frames(stream, splitAt: [cut]) == payloads)
        }
        #expect(try frames(stream, splitAt: Array(stride(from: 1, to: stream.count, by: 7))) == payloads)
    }

    @Test func badLengthsAndTypesAreProtocolErrors() {
        func problem(_ bytes: [UInt8]) -> String? {
            var reader = WorkerFrameReader()
            reader.feed(bytes[...])
            do {
                _ = try reader.next()
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem([0, 0, 0, 0, 1])?.contains("a frame length of 0 bytes") == true)
        #expect(problem(Array("garbage, not a frame".utf8))?.contains("it began \"garbage, not a frame\"") == true)
        #expect(problem([2, 0, 0, 0, 9, 65])?.contains("unknown type 9") == true)
        #expect(problem([2, 0, 0, 0, 1]) == nil)  // a frame still arriving is not an error
    }

    @Test func repliesDecode() throws {
        func decode(_ text: String) throws -> WorkerReply { try WorkerReply.decode(ArraySlice(text.utf8)) }
        #expect(try decode(#"{"kind":"result","index":7,"value":3.25,"out":12,"err":0,"cpu":0.5}"#)
            == .result(index: 7, outcome: .value(.number(3.25)), stdoutEnd: 12, stderrEnd: 0, cpuSeconds: 0.5))
        #expect(try decode(#"{"kind":"result","index":1,"value":{"a":[1,null]}}"#)
            == .result(index: 1, outcome: .value(.json(#"{"a":[1,null]}"#)), stdoutEnd: nil, stderrEnd: nil, cpuSeconds: nil))
        #expect(try decode(#"{"kind":"result","index":2,"value":null}"#)
            == .result(index: 2, outcome: .value(.none), stdoutEnd: nil, stderrEnd: nil, cpuSeconds: nil))
        #expect(try decode(#"{"kind":"result","index":3,"error":"ValueError: \"x\"\nline\b"}"#)
            == .result(index: 3, outcome: .error("ValueError: \"x\"\nline\u{8}"), stdoutEnd: nil, stderrEnd: nil, cpuSeconds: nil))
        #expect(try decode(#"{"kind":"ready","protocol":1,"worker":"C worker"}"#) == .ready(protocolVersion: 1, worker: "C worker"))
        // The environment is optional (a worker that does not send it still works); when sent,
        // it is an object of strings, anything else a protocol error naming the member.
        #expect(try decode(#"{"kind":"ready","protocol":1,"worker":"w","environment":{"numpy":"2.1.0","python":"CPython 3.12.3"}}"#)
            == .ready(protocolVersion: 1, worker: "w", environment: RunEnvironment(["numpy": "2.1.0", "python": "CPython 3.12.3"])))
        #expect(try decode(#"{"kind":"ready","protocol":1,"environment":null}"#) == .ready(protocolVersion: 1, worker: "", environment: nil))
        let notText = try #require(throws: WorkerProtocolError.self) { try decode(#"{"kind":"ready","protocol":1,"environment":{"numpy":2}}"#) }
        #expect(notText.description.contains("member 'numpy' is not a string"))
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"ready","protocol":1,"environment":"numpy 2"}"#) }
        #expect(try decode(#"{"kind":"start_error","error":"SyntaxError: x","file":"m.py","line":3}"#)
            == .startError(message: "SyntaxError: x", file: "m.py", line: 3))
        #expect(try decode(#"{"kind":"result","index":4,"float64":65536,"cpu":0.25}"#)
            == .result(index: 4, outcome: .float64(count: 65536), stdoutEnd: nil, stderrEnd: nil, cpuSeconds: 0.25))
        #expect(try decode(#"{"kind":"result","index":4,"float64":8,"shared_at":1048576}"#)
            == .result(index: 4, outcome: .float64(count: 8, sharedAt: 1_048_576), stdoutEnd: nil, stderrEnd: nil, cpuSeconds: nil))
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"result","index":4,"float64":8,"shared_at":-8}"#) }
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"result","index":4,"float64":8,"shared_at":"here"}"#) }
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"result","index":4,"float64":-1}"#) }
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"result","index":4,"float64":"many"}"#) }
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"result","value":1}"#) }
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"nonsense"}"#) }
        #expect(throws: WorkerProtocolError.self) { try decode("[1,2]") }
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"result","index":1"#) }
    }

    @Test func float64FramesCarryLittleEndianDoublesBitForBit() throws {
        let values: [Double] = [1.5, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 4.759422]
        var payload: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        var stream: [UInt8] = []
        withUnsafeBytes(of: UInt32(payload.count + 1).littleEndian) { stream.append(contentsOf: $0) }
        stream.append(WorkerFrame.Kind.float64.rawValue)
        stream += payload
        var reader = WorkerFrameReader()
        reader.feed(stream[...])
        let frame = try #require(try reader.next())
        #expect(frame.kind == .float64)
        let decoded = frame.payload.withUnsafeBytes { WorkerFrame.float64s($0) }
        #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func batchesAreOneJSONObjectWithTheTasksInOrder() throws {
        var batch = WorkerBatchWriter()
        for index in 4..<7 {
            batch.add(index: index, seed: 100 + index, attempt: 2) { json in
                json.beginObject()
                json.field("x", Double(index) / 2)
                json.endObject()
            }
        }
        #expect(batch.count == 3)
        let frame = batch.frame()
        let length = Int(frame[0]) | Int(frame[1]) << 8 | Int(frame[2]) << 16 | Int(frame[3]) << 24
        #expect(length == frame.count - 4 && frame[4] == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(frame[5...])) as? [String: Any])
        #expect(object["kind"] as? String == "batch")
        let tasks = try #require(object["tasks"] as? [[String: Any]])
        #expect(tasks.map { $0["index"] as? Int } == [4, 5, 6])
        #expect(tasks.map { $0["seed"] as? Int } == [104, 105, 106])
        #expect(tasks.allSatisfy { $0["attempt"] as? Int == 2 })
        #expect(tasks.map { ($0["params"] as? [String: Double])?["x"] } == [2, 2.5, 3])
        let hello = WorkerRequest.hello(rank: 1, slot: 2, cores: 3)
        #expect(String(decoding: hello[5...], as: UTF8.self) == #"{"kind":"hello","protocol":1,"rank":1,"slot":2,"cores":3,"offers":["columns"]}"#)
        let shared = try #require(WorkerSharedValues.Unreserved(bytes: 1 << 20)?.reserved())
        #expect(String(decoding: WorkerRequest.hello(rank: 1, slot: 2, cores: 3, shared: shared)[5...], as: UTF8.self)
            == #"{"kind":"hello","protocol":1,"rank":1,"slot":2,"cores":3,"offers":["columns","shared_values"],"#
                + #""shared_values":{"fd":5,"header":64,"bytes":1048576}}"#)
    }

    @Test func columnsBatchesHoldOneArrayPerParameter() throws {
        var batch = WorkerColumnsWriter(first: 4, attempt: 2, names: ["x", "name"], withSeeds: true)
        for index in 4..<7 {
            batch.addRow(seed: 100 + index) { column, json in
                if column == 0 { json.value(Double(index) / 2) } else { json.value("t\"\(index)") }
            }
        }
        #expect(batch.count == 3 && batch.byteCount > 0)
        let frame = batch.frame()
        #expect(frame[4] == 1)
        #expect(String(decoding: frame[5...], as: UTF8.self)
            == #"{"kind":"columns","index":4,"count":3,"attempt":2,"seeds":[104,105,106],"params":{"x":[2.0,2.5,3.0],"name":["t\"4","t\"5","t\"6"]}}"#)
        var unseeded = WorkerColumnsWriter(first: 0, attempt: 1, names: [], withSeeds: false)
        unseeded.addRow(seed: Int.max) { _, _ in Issue.record("no column to write") }
        #expect(String(decoding: unseeded.frame()[5...], as: UTF8.self) == #"{"kind":"columns","index":0,"count":1,"attempt":1,"params":{}}"#)
    }

    @Test func resultsFramesAndAcceptsDecode() throws {
        func decode(_ text: String) throws -> WorkerReply { try WorkerReply.decode(ArraySlice(text.utf8)) }
        #expect(try decode(#"{"kind":"results","index":7,"cpu":0.5,"values":[1,-2,-0,2.5,null,"s",[1,2],{"a":1},12345678901234567]}"#)
            == .results(
                index: 7,
                values: [
                    .number(1), .number(-2), .number(-0.0), .number(2.5), .none, .json(#""s""#), .json("[1,2]"), .json(#"{"a":1}"#),
                    .json("12345678901234567"),
                ], cpuSeconds: 0.5))
        if case .results(_, let values, _) = try decode(#"{"kind":"results","index":0,"values":[-0]}"#), case .number(let zero) = values[0] {
            #expect(zero.sign == .minus)  // -0 stays -0
        } else {
            Issue.record("-0 is a number")
        }
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"results","index":7,"values":[]}"#) }
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"results","index":7,"values":3}"#) }
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"results","values":[3]}"#) }
        #expect(try decode(#"{"kind":"ready","protocol":1,"worker":"w","accepts":["columns","seeds"]}"#)
            == .ready(protocolVersion: 1, worker: "w", accepts: ["columns", "seeds"]))
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"ready","protocol":1,"accepts":"columns"}"#) }
        #expect(throws: WorkerProtocolError.self) { try decode(#"{"kind":"ready","protocol":1,"accepts":[1]}"#) }
    }
}
