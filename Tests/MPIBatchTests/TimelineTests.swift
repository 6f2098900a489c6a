import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchReporting

@Suite struct TimelineTests {
    /// Params and errors full of JSON's and XML's special characters.
    static let trickyParams = #"{"name":"a \"quoted\" {brace} [x] \\ back","list":[1,{"x":"]}"}],"e":-1.5e-3,"u":"\u00e9<&>"}"#
    static let trickyError = #""boom: } \" \n tab\t <b>&amp;""#

    static let lines = [
        timelineLine(index: 0, start: 0.0001, seconds: 0.5, rank: 0, slot: 0),
        timelineLine(
            index: 1, status: "failed", start: 0.000002, seconds: 0.25, rank: 0, slot: 1, params: trickyParams,
            value: #"{"nested":{"a":[1,2,"}"]}}"#, error: trickyError),
        timelineLine(index: 1, status: "ok", start: 0.3, seconds: 1.2, rank: 1, slot: 0, attempt: 2, params: trickyParams),
        timelineLine(index: 2, status: "timeout", start: 0.51, seconds: 1, rank: 0, slot: 0, error: #""timed out""#),
        timelineLine(index: 3, status: "interrupted", start: 1.6, seconds: 0.3, rank: 1, slot: 0, value: #""\"}""#),
    ]

    @Test func traceHasAnEventPerAttemptOnItsTrack() throws {
        let directory = makeTimelineRun(lines: Self.lines)
        try Timeline.write(directory: directory)
        let trace = try readTimelineTrace(directory)
        let events = trace["traceEvents"] as! [[String: Any]]
        let complete = events.filter { $0["ph"] as? String == "X" }
        #expect(complete.count == 5)
        #expect(complete.map { $0["name"] as! String } == ["task 0", "task 2", "task 1", "task 1", "task 3"])
        let failed = try #require(complete.first { $0["cat"] as? String == "failed" })
        #expect(failed["pid"] as? Int == 0)
        #expect(failed["tid"] as? Int == 1)
        #expect(failed["ts"] as? Double == 2)
        #expect(failed["dur"] as? Double == 250_000)
        let args = failed["args"] as! [String: Any]
        #expect(args["index"] as? Int == 1)
        #expect(args["attempt"] as? Int == 1)
        let params = args["params"] as! [String: Any]
        #expect(params["name"] as? String == #"a "quoted" {brace} [x] \ back"#)
        #expect(params["u"] as? String == "é<&>")
        #expect(args["error"] as? String == "boom: } \" \n tab\t <b>&amp;")
        let retried = try #require(complete.first { $0["pid"] as? Int == 1 && $0["name"] as? String == "task 1" })
        #expect((retried["args"] as! [String: Any])["attempt"] as? Int == 2)
        #expect(Set(complete.compactMap { $0["cat"] as? String }) == ["ok", "failed", "timeout", "interrupted"])
        let other = trace["otherData"] as! [String: Any]
        #expect(other["merged"] as? Bool == false)
        #expect(other["job"] as? String == "tl-test")
    }

    @Test func aWorkersStartUpIsASpanOfItsOwnBeforeItsTask() throws {
        var first = timelineLine(index: 0, start: 2.0, seconds: 0.5, rank: 0, slot: 1)
        first.insert(contentsOf: #","worker_start_seconds":1.5"#, at: first.index(before: first.endIndex))
        let directory = makeTimelineRun(lines: [first, timelineLine(index: 1, start: 2.5, seconds: 0.5, rank: 0, slot: 1)])
        try Timeline.write(directory: directory)
        let events = try readTimelineTrace(directory)["traceEvents"] as! [[String: Any]]
        let startups = events.filter { $0["cat"] as? String == "startup" }
        #expect(startups.count == 1)
        let startup = try #require(startups.first)
        #expect(startup["name"] as? String == "worker start-up" && startup["tid"] as? Int == 1)
        #expect(startup["ts"] as? Double == 500_000 && startup["dur"] as? Double == 1_500_000)
        #expect((startup["args"] as! [String: Any])["before_index"] as? Int == 0)
        #expect(events.filter { ($0["name"] as? String)?.hasPrefix("task ") == true }.count == 2)
        let census = try #require(TimelineXMLCensus.parse(directory + "/timeline.svg"))
        #expect(census.elements["title"] == 3)
        #expect(census.text.contains("worker start-up (1, 1.5 s)"))
        #expect(census.text.contains("worker start-up, 1.5 s before task 0, rank 0 (node0) slot 1"))
        let plain = makeTimelineRun(lines: Self.lines)
        try Timeline.write(directory: plain)
        #expect(try #require(TimelineXMLCensus.parse(plain + "/timeline.svg")).text.contains("start-up") == false)
    }

    @Test func traceNamesEveryRankAndSlotIncludingIdleOnes() throws {
        let directory = makeTimelineRun(lines: Self.lines)
        try Timeline.write(directory: directory)
        let events = try readTimelineTrace(directory)["traceEvents"] as! [[String: Any]]
        func names(_ kind: String) -> [String] {
            events.filter { $0["name"] as? String == kind }.map { event in
                "\(event["pid"]!)/\(event["tid"] ?? "-")=" + ((event["args"] as! [String: Any])["name"] as! String)
            }
        }
        #expect(names("process_name") == ["0/-=rank 0 (node0)", "1/-=rank 1 (node1)"])
        #expect(names("thread_name") == ["0/0=slot 0", "0/1=slot 1", "1/0=slot 0", "1/1=slot 1"])
        #expect(events.allSatisfy { $0["ph"] as? String == "X" || $0["ph"] as? String == "M" })
    }

    @Test func svgIsWellFormedWithABarPerAttempt() throws {
        let directory = makeTimelineRun(lines: Self.lines)
        try Timeline.write(directory: directory)
        let census = try #require(TimelineXMLCensus.parse(directory + "/timeline.svg"))
        #expect(census.elements["title"] == 5)
        #expect(census.elements["svg"] == 1)
        #expect(census.text.contains("tl-test: wall 2 s · speedup 1.5 · efficiency 37.5%"))
        #expect(census.text.contains("5 attempts on 2 ranks, 4 slots: 2 ok, 1 failed, 1 timeout, 1 interrupted"))
        #expect(census.text.contains(#"task 1 failed"#))
        #expect(census.text.contains(#""error":"boom: } \" \n tab\t <b>&amp;""#))
        #expect(census.text.contains("rank 1 (node1) · slot 0"))
    }

    @Test func hugeRunsAreMergedIntoBusySpans() throws {
        let count = 200_000
        var lines: [String] = []
        lines.reserveCapacity(count)
        var clock = [0.0, 0.0, 0.0, 0.0]
        for index in 0..<count {
            let track = index % 4
            let seconds = 0.001 + Double(index % 7) * 0.0001
            let status = index % 1000 == 999 ? "failed" : "ok"
            lines.append(
                timelineLine(
                    index: index, status: status, start: clock[track], seconds: seconds, rank: track / 2,
                    slot: track % 2, error: status == "failed" ? #""exit 1""# : "null"))
            clock[track] += seconds + (index % 5000 == 0 ? 0.5 : 0.00001)
        }
        let directory = makeTimelineRun(lines: lines, wallSeconds: clock.max()!)
        try Timeline.write(directory: directory)  // its speed is bench/README's, not a test's
        let trace = try readTimelineTrace(directory)
        let complete = (trace["traceEvents"] as! [[String: Any]]).filter { $0["ph"] as? String == "X" }
        #expect(complete.count <= TimelineLimits.standard.maximumEvents)
        let tasks = complete.map { event in
            let args = event["args"] as! [String: Any]
            return args["tasks"] as? Int ?? 1
        }
        #expect(tasks.reduce(0, +) == count)
        #expect(complete.contains { ($0["name"] as! String).hasPrefix("busy: ") })
        let failures = complete.filter { $0["cat"] as? String == "failed" }
        #expect(failures.count == count / 1000, "rare failures keep bars of their own")
        #expect(failures.allSatisfy { ($0["args"] as! [String: Any])["error"] as? String == "exit 1" })
        #expect(!complete.contains { ($0["cat"] as! String).contains("mixed") })
        let other = trace["otherData"] as! [String: Any]
        #expect(other["merged"] as? Bool == true)
        #expect((other["merging"] as? String)?.contains("merged into busy spans") == true)
        for name in ["timeline.json", "timeline.svg"] {
            let size = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as! Int
            #expect(size < 20_000_000, "\(name) is \(size) bytes")
        }
        let census = try #require(TimelineXMLCensus.parse(directory + "/timeline.svg"))
        #expect(census.elements["title"] == complete.count)
        #expect(census.text.contains("merged into busy spans"))
    }

    @Test func mergingStartsWhileReadingBeyondTheSpanBudget() throws {
        let lines = (0..<10_000).map { index in
            timelineLine(index: index, start: Double(index / 3) * 0.01, seconds: 0.009, rank: 0, slot: index % 3)
        }
        let directory = makeTimelineRun(lines: lines, ranks: 1, slots: 3)
        let limits = TimelineLimits(maximumEvents: 90, spanBudget: 400, detailBytesPerAttempt: 100, detailBytes: 1000)
        try Timeline.write(directory: directory, limits: limits)
        let complete = (try readTimelineTrace(directory)["traceEvents"] as! [[String: Any]])
            .filter { $0["ph"] as? String == "X" }
        #expect(complete.count <= 90)
        #expect(complete.map { ($0["args"] as! [String: Any])["tasks"] as? Int ?? 1 }.reduce(0, +) == 10_000)
        #expect(Set(complete.map { $0["tid"] as! Int }) == [0, 1, 2])
    }

    @Test func statusesMixOnlyWhenTheCapLeavesNoChoice() throws {
        let lines = (0..<1_000).map { index in
            timelineLine(
                index: index, status: index % 2 == 0 ? "ok" : "failed", start: Double(index) * 0.01, seconds: 0.009,
                rank: 0, slot: 0)
        }
        let directory = makeTimelineRun(lines: lines, ranks: 1, slots: 1)
        let limits = TimelineLimits(maximumEvents: 100, spanBudget: 10_000, detailBytesPerAttempt: 100, detailBytes: 1000)
        try Timeline.write(directory: directory, limits: limits)
        let trace = try readTimelineTrace(directory)
        let complete = (trace["traceEvents"] as! [[String: Any]]).filter { $0["ph"] as? String == "X" }
        #expect(complete.count <= 100)
        #expect(complete.allSatisfy { $0["cat"] as? String == "busy,mixed" })
        #expect(((trace["otherData"] as! [String: Any])["merging"] as? String)?.contains("different statuses") == true)
    }

    @Test func aBadLineIsReportedWithItsFileAndLine() throws {
        let directory = makeTimelineRun(lines: [Self.lines[0], #"{"index":1,"status":"ok","seconds":"x"}"#])
        #expect {
            try Timeline.write(directory: directory)
        } throws: { error in
            let description = (error as? RunFileError)?.description ?? ""
            return description.hasPrefix(directory + "/results.jsonl:2:") && description.contains("\"seconds\"")
        }
    }

    @Test func aTornLastLineIsIgnored() throws {
        let directory = makeTimelineRun(lines: Self.lines, tornTail: #"{"index":9,"params":{"task":"#)
        try Timeline.write(directory: directory)
        let events = try readTimelineTrace(directory)["traceEvents"] as! [[String: Any]]
        #expect(events.filter { $0["ph"] as? String == "X" }.count == 5)
    }

    @Test func anEmptyJournalStillDrawsEverySlot() throws {
        let directory = makeTimelineRun(lines: [], ranks: 3, slots: 1)
        try Timeline.write(directory: directory)
        let events = try readTimelineTrace(directory)["traceEvents"] as! [[String: Any]]
        #expect(events.filter { $0["ph"] as? String == "X" }.isEmpty)
        #expect(events.filter { $0["name"] as? String == "thread_name" }.count == 3)
        let census = try #require(TimelineXMLCensus.parse(directory + "/timeline.svg"))
        #expect(census.elements["title"] == nil)
        #expect(census.text.contains("0 attempts on 3 ranks, 3 slots"))
    }

    @Test func aMissingSummaryIsNamed() {
        let directory = makeTimelineRun(lines: Self.lines)
        try? FileManager.default.removeItem(atPath: directory + "/summary.json")
        #expect {
            try Timeline.write(directory: directory)
        } throws: { error in
            (error as? RunFileError)?.path == directory + "/summary.json"
        }
    }
}
