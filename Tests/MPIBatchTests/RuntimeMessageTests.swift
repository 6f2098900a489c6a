import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchScheduling

@Suite struct RuntimeMessageTests {
    @Test func everyKindRoundTrips() throws {
        let record = TaskRecord(
            index: 42, attempt: 2, status: .timeout, rank: 3, slot: 1, start: 1.5, seconds: 0.25,
            value: .numbers([1, -0.0, .infinity]), error: "timed out after 2 s")
        let messages: [RuntimeMessage] = [
            .request(slot: 1, chunks: 2),
            .results(slot: 1, records: [record, TaskRecord(
                index: 7, attempt: 1, status: .ok, rank: 3, slot: 1, start: 0, seconds: 0, value: .json("{\"a\":1}"),
                error: nil)], wantsMore: true),
            .results(slot: 0, records: [
                TaskRecord(
                    index: 8, attempt: 1, status: .failed, rank: 3, slot: 0, start: 0, seconds: 0, value: .none, error: "x",
                    startedAt: 1_796_000_000.25, exitCode: 3, signal: nil,
                    log: .rankFiles(stdout: LogSpan(offset: 1 << 33, length: 100, dropped: 7), stderr: .empty)),
                TaskRecord(
                    index: 9, attempt: 2, status: .timeout, rank: 3, slot: 0, start: 0, seconds: 0, value: .none, error: nil,
                    startedAt: 0, exitCode: nil, signal: 15, log: .taskFiles(stdout: "logs/9.2.out", stderr: "logs/9.2.err")),
            ], wantsMore: false),
            .done(RankReport(host: "node-é", cpuSeconds: 1.25)),
            .assign(slot: 0, chunk: Chunk(start: 10, end: 1 << 40, attempt: 3)),
            .stop(graceSeconds: 2.5),
            .interrupt(reason: "SIGTERM on rank 2"),
        ]
        for message in messages {
            #expect(try RuntimeMessage(decoding: message.encoded(), from: 3) == message)
        }
    }

    @Test func aWorkersStartUpTravelsWithTheTaskThatWaitedForIt() throws {
        var record = TaskRecord(
            index: 5, attempt: 1, status: .ok, rank: 1, slot: 0, start: 2.5, seconds: 0.01, value: .number(1), error: nil,
            startedAt: 1_796_000_000, usage: TaskUsage(cpuSeconds: 0.01, maxRSSBytes: 1 << 20))
        record.workerStartSeconds = 1.75
        let message = RuntimeMessage.results(slot: 0, records: [record], wantsMore: true)
        #expect(try RuntimeMessage(decoding: message.encoded(), from: 1) == message)
        var json = JSONWriter(capacity: 256)
        JournalLine.write(record, workload: CountingWorkload(taskCount: 10), to: &json)
        let line = String(decoding: json.bytes, as: UTF8.self)
        #expect(line.contains(#""worker_start_seconds":1.75,"#))
        let entry = try Array(json.bytes.dropLast()).withUnsafeBufferPointer { line in try JournalLineScanner.scan(line) }
        #expect(entry.workerStartSeconds == 1.75)
        record.workerStartSeconds = nil
        json.reset()
        JournalLine.write(record, workload: CountingWorkload(taskCount: 10), to: &json)
        #expect(!String(decoding: json.bytes, as: UTF8.self).contains("worker_start"))  // only where a worker started
    }

    @Test func truncatedMessageIsAnErrorNotACrash() {
        let bytes = RuntimeMessage.assign(slot: 0, chunk: Chunk(start: 0, end: 9)).encoded()
        #expect(throws: MessageDecodingError.self) { try RuntimeMessage(decoding: Array(bytes.dropLast()), from: 1) }
        #expect(throws: MessageDecodingError.self) { try RuntimeMessage(decoding: [99], from: 1) }
    }
}

@Suite struct JSONWriterTests {
    @Test func fixedPointIsExactToTheNanosecond() {
        for (number, text) in [(0.000000187, "0.000000187"), (12.5, "12.5"), (0, "0.0"), (3, "3.0"), (1.000001, "1.000001")] {
            var json = JSONWriter()
            json.fixedPoint(number)
            #expect(json.string == text)
        }
    }

    /// Numbers written in pieces (one append each) read as they did a byte at a time: signs,
    /// the widest integers, doubles past the fixed-point range, and what JSON lacks.
    @Test func numbersAtTheEdges() {
        var json = JSONWriter()
        json.beginArray()
        for integer in [0, 7, 10, -1, -10, 1_234_567_890, Int.max, Int.min] { json.value(integer) }
        for number in [-0.0, 2.0, -3.0, 1e300, 0.1, .nan, .infinity, 9e9, -0.5] { json.value(number) }
        json.fixedPoint(-1.5)
        json.fixedPoint(9e9)
        json.fixedPoint(.nan)
        json.epochSeconds(1_796_175_893.601282)
        json.endArray()
        #expect(
            json.string == "[0,7,10,-1,-10,1234567890,9223372036854775807,-9223372036854775808,"
                + "-0.0,2.0,-3.0,1e+300,0.1,null,null,9000000000.0,-0.5,-1.5,9000000000.0,null,1796175893.601282]")
    }

    @Test func journalLineIsValidJSONWithEveryField() throws {
        var json = JSONWriter()
        let record = TaskRecord(
            index: 7, attempt: 2, status: .failed, rank: 1, slot: 3, start: 0.5, seconds: 0.25, value: .text("a\"b\n"),
            error: "exit 3: \u{1}")
        JournalLine.write(record, workload: CountingWorkload(taskCount: 10), to: &json)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        #expect(object["index"] as? Int == 7)
        #expect(object["status"] as? String == "failed")
        #expect(object["value"] as? String == "a\"b\n")
        #expect(object["error"] as? String == "exit 3: \u{1}")
        #expect((object["params"] as? [String: Int])?["i"] == 7)
        #expect(object["exit_code"] is NSNull && object["signal"] is NSNull && object["started_at"] is NSNull)
        #expect(object["max_rss_bytes"] is NSNull && object["cpu_seconds"] is NSNull)
        #expect(object["log"] == nil, "no log field without captured output")
        #expect(json.bytes.last == UInt8(ascii: "\n"))
    }

    @Test func commandFieldsRoundTripThroughTheScanner() throws {
        let record = TaskRecord(
            index: 3, attempt: 1, status: .failed, rank: 2, slot: 0, start: 0.5, seconds: 0.25, value: .none,
            error: "e", startedAt: 1_796_175_893.601282, exitCode: 3, signal: nil,
            log: .rankFiles(stdout: LogSpan(offset: 10, length: 5, dropped: 99), stderr: LogSpan(offset: 0, length: 0)))
        var json = JSONWriter()
        JournalLine.write(record, workload: CountingWorkload(taskCount: 10), to: &json)
        let line = json.string
        #expect(line.contains(#""started_at":1796175893.601282,"#))
        #expect(line.contains(#""exit_code":3,"signal":null,"#))
        #expect(line.hasSuffix(#","log":{"out":[10,5,99],"err":[0,0]}}"# + "\n"))
        let bytes = Array(json.bytes.dropLast())
        try bytes.withUnsafeBufferPointer { line in
            let entry = try JournalLineScanner.scan(line)
            #expect(entry.exitCode == 3 && entry.signal == nil && entry.startedAt == 1_796_175_893.601282)
            let log = try #require(entry.log)
            #expect(JournalLineScanner.taskLog(UnsafeBufferPointer(rebasing: line[log])) == record.log)
        }
        let files = TaskLog.taskFiles(stdout: "logs/3.out", stderr: "stages/a b/logs/3.err")
        var object = JSONWriter()
        files.write(to: &object)
        object.bytes.withUnsafeBufferPointer { #expect(JournalLineScanner.taskLog($0) == files) }
    }
}

@Suite struct FixedPointDigitsTests {
    /// `fixedPoint` (digits two at a time, rounding without libm) against the plain reading of
    /// its rule: `(number × 10⁹).rounded()` units, the whole part, a point, the fraction's
    /// nine digits with trailing zeros dropped (one kept). Ties, every digit count, both ends.
    @Test func fixedPointMatchesItsRule() {
        func reference(_ number: Double) -> String {
            let units = UInt64((number * 1e9).rounded())
            var fraction = String(units % 1_000_000_000)
            fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
            while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
            return "\(units / 1_000_000_000).\(fraction)"
        }
        var generator = SystemRandomNumberGenerator()
        var numbers: [Double] = [0, 0.5e-9, 1.5e-9, 2.5e-9, 0.4999999999e-9, 1e-9, 0.1, 0.99, 8_999_999_999.5, 123.000000001]
        for digits in 0...9 { numbers.append(pow(10, Double(digits)) + 1e-9 * Double(digits)) }
        for _ in 0..<20_000 {
            numbers.append(Double.random(in: 0..<1, using: &generator) * pow(10, Double(Int.random(in: -9...9, using: &generator))))
        }
        for number in numbers where number < 9e9 {
            var json = JSONWriter()
            json.fixedPoint(number)
            #expect(json.string == reference(number), "\(number)")
        }
    }
}
