import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchReporting
@testable import MPIBatchScheduling

/// A fresh run's reports are gathered while its journal is written (the end of the run reads
/// nothing back): what the journal shows its observer is what a reader of the file would get.
@Suite struct ReportFeedTests {
    /// Records of every shape a line can take: values, errors with escapes, exit codes and
    /// signals, usage, log spans and files, a worker's start-up, stages in the params.
    private func records() -> [TaskRecord] {
        (0..<400).map { index in
            let failed = index % 37 == 5
            return TaskRecord(
                index: index, attempt: 1 + index % 3, status: failed ? .failed : (index % 53 == 7 ? .timeout : .ok),
                rank: index % 3, slot: index % 2, start: Double(index) * 0.1234567891234, seconds: index == 200 ? 40 : 0.3 * Double(index % 4) / 7,
                value: index % 5 == 0 ? .number(Double(index) / 8) : (index % 5 == 1 ? .json("{\"a\":[1,\"b\\\"\"]}") : .none),
                error: failed ? "boom \"\(index)\"\n\ttab" : nil, startedAt: 1_800_000_000.123456789 + Double(index) / 3,
                exitCode: index % 4 == 0 ? Int32(index % 7) : nil, signal: index % 9 == 0 ? 9 : nil,
                log: index % 6 == 0 ? .rankFiles(stdout: LogSpan(offset: index, length: 3, dropped: index % 2), stderr: LogSpan(offset: 0, length: 0, dropped: 0))
                    : (index % 6 == 1 ? .taskFiles(stdout: "logs/\(index).out", stderr: "logs/\(index).err") : nil),
                usage: index % 2 == 0 ? TaskUsage(cpuSeconds: 0.1 / Double(index + 1), maxRSSBytes: index % 4 == 0 ? 4096 : nil) : nil)
        }
    }

    private struct Stages: ParameterFormatter {
        func writeParameters(of index: Int, to json: inout JSONWriter) {
            json.beginObject()
            json.field("stage", "s\(index % 4)")
            json.key("i")
            json.value(index)
            json.endObject()
        }

        /// Stages s0 and s1 run commands, s2 and s3 kernels: lines of both shapes.
        func runsProcess(_ index: Int) -> Bool { index % 4 < 2 }
    }

    @Test func theEntryAWriteReturnsIsTheEntryItsLineReadsBackAs() throws {
        for record in records() {
            var json = JSONWriter()
            let written = JournalLine.write(record, workload: Stages(), startOffset: 2, to: &json)
            let bytes = Array(json.bytes.dropLast())
            try bytes.withUnsafeBufferPointer { line in
                let read = try JournalLineScanner.scan(line)
                #expect(written.index == read.index && written.attempt == read.attempt && written.status == read.status)
                #expect(written.rank == read.rank && written.slot == read.slot)
                #expect(written.start == read.start && written.seconds == read.seconds)
                #expect(written.params == read.params && written.value == read.value && written.error == read.error)
                #expect(written.log == read.log, "\(record.index)")
                #expect(written.exitCode == read.exitCode && written.signal == read.signal)
                #expect(written.cpuSeconds == read.cpuSeconds && written.maxRSSBytes == read.maxRSSBytes)
                #expect(written.startedAt == read.startedAt && written.workerStartSeconds == read.workerStartSeconds)
            }
        }
    }

    @Test func aFedPassDrawsWhatReadingTheFileBackDraws() throws {
        let directory = makeJobTestDirectory()
        let feed = RunReportFeed(limits: TimelineLimits(maximumEvents: 64, spanBudget: 256, detailBytesPerAttempt: 4096, detailBytes: 1 << 20))
        let journal = try Journal(path: directory + "/results.jsonl", workload: Stages(), queueLimit: 16, observer: feed)
        let all = records()
        for first in stride(from: 0, to: all.count, by: 7) { journal.append(Array(all[first..<min(all.count, first + 7)])) }
        #expect(journal.close()?.error == nil)
        let fed = feed.finished()
        var summary = finishedRun(tasks: all.count, slots: 6, busy: 100)
        let read = try RunReportPass(directory: directory, summary: summary, findings: true, limits: TimelineLimits(maximumEvents: 64, spanBudget: 256, detailBytesPerAttempt: 4096, detailBytes: 1 << 20))
        #expect(fed.page.durationCounts == read.page.durationCounts)
        #expect(fed.timeline.spans.tracks.map { $0.spans.map(\.start) } == read.timeline.spans.tracks.map { $0.spans.map(\.start) })
        #expect(fed.page.busy.curve(wallSeconds: 60, points: 300) == read.page.busy.curve(wallSeconds: 60, points: 300))
        #expect(fed.page.estimate.points().map { [$0.paths, $0.mean, $0.low, $0.high] } == read.page.estimate.points().map { [$0.paths, $0.mean, $0.low, $0.high] })
        #expect(fed.timeline.spans.attempts == all.count && fed.timeline.spans.attempts == read.timeline.spans.attempts)
        #expect(fed.timeline.spans.count == read.timeline.spans.count)
        #expect(fed.timeline.details.bytes == read.timeline.details.bytes)
        let fedTimes = try #require(fed.taskTimes)
        let readTimes = try #require(read.taskTimes)
        #expect(fedTimes.attempts == readTimes.attempts && fedTimes.tailSeconds == readTimes.tailSeconds)
        #expect(fedTimes.stragglers.map(\.index) == readTimes.stragglers.map(\.index))
        #expect(fedTimes.stragglers.map(\.index) == [200])
    }

    @Test func busySlotsKeepTheirTimeWhenTheBinsWiden() {
        var busy = BusyOverTime(origin: 10, width: 0.001, capacity: 8)
        busy.add(from: 10, to: 10.004)  // 4 ms in the first 4 bins
        busy.add(from: 9, to: 10.001)  // before the origin: only its last ms counts
        busy.add(from: 10.5, to: 11)  // widens the bins to 0.128 s
        #expect(busy.width == 0.128)
        let curve = busy.curve(wallSeconds: 1, points: 300)
        #expect(curve.times.count == 8 && curve.times[1] == 0.128)
        let total = zip(curve.busy, curve.times).reduce(0) { $0 + $1.0 * 0.128 }
        #expect(abs(total - 0.505) < 1e-9)
    }
}
