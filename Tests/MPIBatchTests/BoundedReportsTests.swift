import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchReporting

/// The reports of a run with far more attempts than they keep: the timeline merges its bars
/// (and says so), and the straggler is still found, fed as the journal writes or read back.
@Suite struct BoundedReportsTests {
    private struct Sweep: ParameterFormatter {
        func writeParameters(of index: Int, to json: inout JSONWriter) {
            json.beginObject()
            json.key("i")
            json.value(index)
            json.endObject()
        }
    }

    /// Four slots run 1 ms tasks back to back for 20 s; slot 0's last task (the straggler)
    /// runs 5 s, past the others' end.
    private static func records() -> [TaskRecord] {
        var records: [TaskRecord] = []
        for rank in 0..<4 {
            let tasks = rank == 0 ? 19_000 : 20_000
            for task in 0..<tasks {
                records.append(TaskRecord(
                    index: records.count, attempt: 1, status: .ok, rank: rank, slot: 0, start: Double(task) * 0.001, seconds: 0.001,
                    value: .none, error: nil))
            }
        }
        records.append(TaskRecord(
            index: records.count, attempt: 1, status: .ok, rank: 0, slot: 0, start: 19, seconds: 5, value: .none, error: nil))
        return records
    }

    @Test func moreAttemptsThanTheTimelineKeepsStillFindTheStragglerAndSayTheBarsMerged() throws {
        let directory = makeJobTestDirectory()
        let limits = TimelineLimits(maximumEvents: 500, spanBudget: 2000, detailBytesPerAttempt: 4096, detailBytes: 1 << 16)
        let feed = RunReportFeed(limits: limits)
        let journal = try Journal(path: directory + "/results.jsonl", workload: Sweep(), observer: feed)
        let all = Self.records()
        for first in stride(from: 0, to: all.count, by: 4096) { journal.append(Array(all[first..<min(all.count, first + 4096)])) }
        #expect(journal.close()?.error == nil)
        let summary = finishedRun(tasks: all.count, slots: 4, busy: 85)
        let read = try RunReportPass(directory: directory, summary: summary, findings: true, limits: limits)
        for pass in [feed.finished(), read] {
            let times = try #require(pass.taskTimes)
            #expect(times.attempts == all.count)
            #expect(times.stragglers.map(\.index) == [all.count - 1])
            #expect(pass.timeline.spans.attempts == all.count)
            #expect(pass.timeline.spans.count <= limits.maximumEvents)
            let rows = TimelineRow.rows(of: pass.timeline.spans, startups: pass.timeline.startups, summary: summary)
            let caption = TimelineCaption(
                rows: rows, spans: pass.timeline.spans, startups: pass.timeline.startups, summary: summary, limits: limits)
            #expect(caption.merging != nil)
            #expect(caption.bars == pass.timeline.spans.count)
        }
    }
}
