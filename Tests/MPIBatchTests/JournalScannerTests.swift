import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchReporting

@Suite struct JournalScannerTests {
    private func scan(_ line: String) throws(JournalSyntaxError) -> JournalEntry {
        var bytes = Array(line.utf8)
        return try bytes.withUnsafeMutableBufferPointer { (buffer) throws(JournalSyntaxError) in
            try JournalLineScanner.scan(UnsafeBufferPointer(buffer))
        }
    }

    @Test func readsTheFieldsInAnyOrderAroundNestedValues() throws {
        let attempt = try scan(
            #" { "value" : [1, {"}": "\\\""}], "slot":3, "rank": 12, "error":"x\u0041\"", "status":"timeout","#
                + #" "start": 1.5e2, "seconds": 0.000000187, "index": 7, "attempt": 2, "params": {"a":[true,false,null]} } "#)
        #expect(attempt.index == 7)
        #expect(attempt.attempt == 2)
        #expect(attempt.status == .timeout)
        #expect(attempt.rank == 12)
        #expect(attempt.slot == 3)
        #expect(attempt.start == 150)
        #expect(attempt.seconds == 0.000000187)
        #expect(attempt.params != nil)
        #expect(attempt.error != nil)
    }

    @Test(arguments: ["0.1", "123.456789012", "-0.5", "1e-7", "123456789.012345678901234", "0.000472094"])
    func numbersMatchTheStandardParser(_ text: String) throws {
        let attempt = try scan(#"{"index":0,"status":"ok","seconds":\#(text),"start":0,"rank":0,"slot":0}"#)
        #expect(attempt.seconds == Double(text)!)
    }

    @Test(arguments: [
        (#"{"index":0,"status":"ok","seconds":1,"start":0,"rank":0}"#, "missing \"slot\""),
        (#"{"index":0,"status":"done","seconds":1,"start":0,"rank":0,"slot":0}"#, "unknown status"),
        (#"{"index":0.5,"status":"ok","seconds":1,"start":0,"rank":0,"slot":0}"#, "expected an integer"),
        (#"{"index":0,"status":"ok","seconds":1,"start":0,"rank":0,"slot":0,"params":{"a":"b\q"}}"#, "bad escape"),
        (#"{"index":0,"status":"ok","seconds":1,"start":0,"rank":0,"slot":0,"params":[1,2}"#, "expected ']'"),
        (#"{"index":0,"status":"ok","seconds":1,"start":0,"rank":0,"slot":0} x"#, "unexpected text"),
        (#"{"index":0,"status":"ok","seconds":1,"start":0,"rank":0,"slot":0,"exit_code":"0"}"#, "expected a number for \"exit_code\""),
        (#"{"index":0,"status":"ok","seconds":1,"start":0,"rank":0,"slot":0,"signal":1.5}"#, "expected an integer for \"signal\""),
        (#"{"index":0,"status":"ok","seconds":1,"start":0,"rank":0,"slot":0,"log":[0,1]}"#, "expected an object for \"log\""),
    ])
    func badLinesSayWhatIsWrong(_ line: String, _ reason: String) {
        #expect {
            try scan(line)
        } throws: { error in
            (error as? JournalSyntaxError)?.reason.contains(reason) == true
        }
    }

    @Test func axisTicksAreRound() {
        let axis = TimelineAxis(end: 2.07, ticks: 10)
        #expect(axis.step == 0.2 || axis.step == 0.5)
        #expect(axis.end >= 2.07)
        #expect(axis.ticks.first == 0)
        #expect(TimelineAxis(end: 3600 * 5, ticks: 10).step == 2000)
        #expect(NumberText.trimmed(0.30000000000000004, digits: 2) == "0.3")
        #expect(NumberText.grouped(4_000_000) == "4,000,000")
        #expect(NumberText.duration(0.0012) == "1.2 ms")
    }
}
