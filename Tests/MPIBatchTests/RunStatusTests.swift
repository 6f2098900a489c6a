import Foundation
import Synchronization
import Testing
@testable import MPIBatchCore
@testable import MPIBatchReporting
@testable import MPIBatchScheduling

/// `status.json`, `control.jsonl` and the live page (issue 31): the reader's judgement of a
/// lost run, the control file's lines, and a real in-memory run stopped through its control file.
@Suite struct RunStatusTests {
    /// A running status written by `host` (pid of this process unless given), write `sequence`.
    private func running(sequence: Int, host: String = "elsewhere", pid: Int32 = getpid()) -> RunStatus {
        let figures = LiveFigures(
            total: 10, finished: 4, failed: 1, cancelled: 0,
            busy: [BusySlot(index: 7, rank: 1, slot: 0, since: 2), BusySlot(index: 5, rank: 0, slot: 1, since: 9)], now: 10,
            hosts: ["n1", "n2"], slotsPerRank: [2, 1], rankTasks: [3, 1], rankBusySeconds: [6, 2], stopping: false,
            stopReason: nil, stages: nil, findings: [])
        return RunStatus(
            running: figures, name: "t", sequence: sequence, periodSeconds: 1, host: host, pid: pid, startedAt: 0, elapsed: 2,
            answers: [], ignoredControlLines: 0)
    }

    @Test func runningFiguresNameTheTasksNodesAndPace() {
        let status = running(sequence: 1)
        #expect(status.running.map(\.index) == [7, 5])  // longest-running first
        #expect(status.running[0].host == "n2" && status.running[0].seconds == 8)
        #expect(status.nodes.map(\.host) == ["n1", "n2"] && status.nodes.map(\.running) == [1, 1])
        #expect(status.nodes.map(\.slots) == [2, 1] && status.left == 6)
        #expect(status.throughput == 2 && status.etaSeconds == 3)
    }

    @Test func aSequenceThatStandsStillForFourPeriodsIsLost() {
        let now = Mutex(0.0)
        var watch = StatusWatch(clock: { now.withLock { $0 } }, localHost: "here")
        #expect(watch.judge(running(sequence: 1)).state == .running)
        now.withLock { $0 = 3.9 }
        #expect(watch.judge(running(sequence: 1)).state == .running)
        now.withLock { $0 = 4.1 }
        #expect(watch.judge(running(sequence: 1)).state == .lost)
        #expect(watch.judge(running(sequence: 2)).state == .running)  // it moved: alive again
    }

    @Test func aWriterOnThisNodeWhoseProcessIsGoneIsLostAtOnce() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        var watch = StatusWatch(localHost: "here")
        #expect(watch.judge(running(sequence: 1, host: "here", pid: child.processIdentifier)).state == .lost)
        #expect(watch.judge(running(sequence: 1, host: "here")).state == .running)  // this process lives
        var ended = running(sequence: 3, host: "here", pid: child.processIdentifier)
        ended.state = .finished
        #expect(watch.judge(ended).state == .finished)
    }

    @Test func controlLinesParseAndGarbageIsNamed() throws {
        for request in [ControlRequest(.stop(now: true)), ControlRequest(.cancel([7, 9]))] {
            #expect(try ControlRequest(parsing: Substring(request.line.dropLast())) == request)
        }
        for (line, problem) in [
            ("{not json", "not a JSON object"), ("[1]", "not a JSON object"), ("{\"request\":\"stop\"}", "no \"id\""),
            ("{\"id\":\"a\",\"request\":\"explode\"}", "unknown request \"explode\""),
            ("{\"id\":\"a\",\"request\":\"cancel\",\"indices\":[-1]}", "\"indices\""),
            ("{\"id\":\"a\",\"request\":\"cancel\",\"indices\":[1.5]}", "\"indices\" is not a list"),
            ("{\"id\":\"a\",\"request\":\"cancel\",\"indices\":[true]}", "\"indices\" has the wrong type"),
            ("{\"id\":\"a\",\"request\":\"cancel\",\"indices\":[]}", "\"indices\""),
        ] {
            #expect(throws: ControlLineError.self) { try ControlRequest(parsing: Substring(line)) }
            do { _ = try ControlRequest(parsing: Substring(line)) } catch { #expect("\(error)".contains(problem), "\(line)") }
        }
    }

    @Test func theControlFileIsReadLineByLineWithProblemsNamedAtTheirLine() throws {
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("{\"id\":\"old\",\"request\":\"stop\"}\n".utf8).write(to: URL(fileURLWithPath: directory + "/control.jsonl"))
        let control = try ControlFile(directory: directory)  // an earlier part's request is not read again
        #expect(control.poll().requests.isEmpty)
        let stop = ControlRequest(.stop(now: false))
        let handle = try #require(FileHandle(forWritingAtPath: directory + "/control.jsonl"))
        handle.seekToEndOfFile()
        handle.write(Data(("garbage\n" + stop.line + "{\"id\":\"half").utf8))
        let (requests, problems) = control.poll()
        #expect(requests == [stop])
        #expect(problems == ["\(directory)/control.jsonl:2: ignored, not a request: not a JSON object: 'garbage'"])
        handle.write(Data("\",\"request\":\"stop\"}\n".utf8))  // the half line, ended
        let ended = control.poll()
        #expect(ended.requests.map(\.id) == ["half"], "\(ended.problems)")
        try handle.truncate(atOffset: 0)
        let again = control.poll()
        #expect(again.requests.isEmpty && again.problems.count == 1 && again.problems[0].contains("shorter than before"))
    }

    @Test func theLivePageSaysItIsLiveAndReloads() {
        var status = running(sequence: 12)
        status.name = "<sweep>"
        let page = LivePage.html(status)
        #expect(page.contains("<strong>Live</strong>") && page.contains("(update 12)"))
        #expect(page.contains("http-equiv=\"refresh\"") && page.contains("&lt;sweep&gt;") && !page.contains("<sweep>"))
        #expect(page.contains("id=\"running\"") && page.contains("<td>7</td>"))
    }

    /// A real run (two in-memory ranks) stopped through `control.jsonl`: a garbage line is
    /// ignored with a warning, the stop is answered in `status.json`, the run ends interrupted.
    @Test func aRunIsStoppedThroughItsControlFileAndSaysSo() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = StartCounter()
        let workload = CountingWorkload(taskCount: 2000, sleepMicroseconds: 20_000, started: started)
        let control = Task.detached {
            await started.wait(for: 4)
            let handle = try #require(FileHandle(forWritingAtPath: directory + "/control.jsonl"))
            handle.seekToEndOfFile()
            handle.write(Data("{\"garbage\n".utf8))
            let running = try RunStatusReader.observe(directory: directory)
            #expect(running.state == .running && running.total == 2000 && running.finished < 2000)
            return try RunControl.send(ControlRequest(.stop(now: false)), to: directory, timeoutSeconds: 10)
        }
        let (summary, lines) = try await runInMemory(workload, ranks: 2, directory: directory)
        let answer = try await control.value
        #expect(answer.outcome.hasPrefix("draining") && !answer.refused)
        #expect(summary.interrupted && lines.count < 2000)
        let final = try RunStatusReader.observe(directory: directory)
        #expect(final.state == .interrupted && final.exitStatus == 3 && final.ignoredControlLines == 1)
        #expect(final.answers.map(\.id).count == 1 && final.stopReason?.contains("mpibatch stop") == true)
        #expect(throws: RunControlError.self) {
            try RunControl.send(ControlRequest(.stop(now: false)), to: directory, timeoutSeconds: 1)
        }
    }
}

/// `mpibatch cancel` in the coordinator: a task a slot holds is cancelled there, one not handed
/// out yet is settled when the source reaches it, one that ran or is out of range is refused.
@Suite struct CancelTests {
    @Test func cancelsWhereTheTaskIs() {
        var coordinator = Coordinator(taskCount: 40, retries: 0, failFast: false, policy: .dynamic, slotsPerRank: [1, 1], reducer: nil)
        _ = coordinator.start()
        let served = coordinator.handle(.request(slot: 0, chunks: 1), from: 0) + coordinator.handle(.request(slot: 0, chunks: 1), from: 1)
        #expect(coordinator.busySlots().map(\.index) == [0, served.count > 1 ? coordinator.busySlots()[1].index : -1])
        let first = coordinator.cancel([0, 39, 99])
        #expect(first.refused && first.outcome.contains("99: out of range"), "\(first.outcome)")
        #expect(first.actions.contains(.send(.cancel(0..<1, byUser: true), to: 0)), "\(first.outcome)")
        #expect(first.outcome.contains("39: cancelled (not started yet)"))
    }

    /// A task `mpibatch cancel` cancels on another node than rank 0's is journaled there (by its
    /// node's writer) as cancelled by `mpibatch cancel`, not as stopped early: its rank is told
    /// why (`cancel`'s `byUser`).
    @Test func aTaskCancelledOnAnotherNodeSaysByMpibatchCancel() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = StartCounter()
        // Every task runs until cancelled; each of the 4 one-slot ranks runs one and holds one.
        let workload = CountingWorkload(taskCount: 8, runsUntilCancelled: true, started: started)
        let control = Task.detached { () async throws -> Int? in
            await started.wait(for: 4)
            for _ in 0..<200 {
                let status = try RunStatusReader.observe(directory: directory)
                if let far = status.running.first(where: { $0.rank >= 2 }) {
                    let answer = try RunControl.send(ControlRequest(.cancel([far.index])), to: directory, timeoutSeconds: 10)
                    #expect(!answer.refused, "\(answer.outcome)")
                    _ = try RunControl.send(ControlRequest(.stop(now: true)), to: directory, timeoutSeconds: 10)
                    return far.index
                }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            return nil
        }
        let (summary, lines) = try await runInMemory(workload, ranks: 4, slots: 1, policy: .dynamic, directory: directory, nodeOfRank: [0, 0, 1, 1])
        let cancelled = try #require(try await control.value)
        let line = try #require(lines.first { $0["index"] as? Int == cancelled })
        #expect(line["status"] as? String == "cancelled" && (line["rank"] as? Int ?? 0) >= 2)
        #expect(line["error"] as? String == TaskRecord.cancelledByUser)
        #expect(summary.tasksCancelledByUser == 1 && summary.interrupted)
    }
}
