import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchJournal
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// What the last command task run with `context` printed, read back from its rank's log
/// files at the places it reported (the report's facts are taken).
func capturedOutput(_ context: TaskContext) throws -> (stdout: String, stderr: String) {
    guard case .rankFiles(let stdout, let stderr)? = context.report?.take().log else {
        throw RunFileError(path: context.outputDirectory, reason: "the task reported no rank log")
    }
    func read(_ span: LogSpan, _ stream: LogStream) throws -> String {
        guard span.length > 0 else { return "" }
        let path = context.outputDirectory + "/" + RankLog.path(rank: context.rank, stream: stream)
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(span.offset))
        return String(decoding: try handle.read(upToCount: span.length) ?? Data(), as: UTF8.self)
    }
    return (try read(stdout, .out), try read(stderr, .err))
}

/// A context as a worker makes it, whose command reports to a report of its own.
func commandContext(_ index: Int, _ outputDirectory: String, attempt: Int = 1, rank: Int = 0) -> TaskContext {
    TaskContext(
        index: index, attempt: attempt, rank: rank, slot: 0, outputDirectory: outputDirectory,
        report: CommandReport(log: RankLog(runDirectory: outputDirectory, rank: rank)))
}

@Suite struct CapturedOutputTests {
    private func captured(_ chunks: [[UInt8]], limit: Int) -> CapturedOutput {
        var output = CapturedOutput(limit: limit)
        for chunk in chunks { chunk.withUnsafeBytes { output.append($0) } }
        return output
    }

    @Test func keepsEverythingUpToTheLimit() {
        let bytes = Array("0123456789".utf8)
        let output = captured([Array(bytes[..<3]), Array(bytes[3...])], limit: 10)
        #expect(output.kept(stream: "stdout") == bytes)
        #expect(output.dropped == 0)
        #expect(output.whole == bytes)
    }

    /// Any way of cutting the stream into chunks keeps the same head, tail and count.
    @Test(arguments: [1, 3, 7, 64, 1000]) func keepsHeadAndTailWithANote(chunkSize: Int) {
        let stream = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let chunks = stride(from: 0, to: stream.count, by: chunkSize).map { Array(stream[$0..<min($0 + chunkSize, stream.count)]) }
        let output = captured(chunks, limit: 100)
        let note = Array("\n[mpibatch: 900 bytes of stdout dropped here; max_output: 100 bytes keeps the first and last 50]\n".utf8)
        #expect(output.dropped == 900)
        #expect(output.whole == nil)
        #expect(output.kept(stream: "stdout") == Array(stream[..<50]) + note + Array(stream[950...]))
        #expect(output.suffix(20) == Array(stream[980...]))
        #expect(output.suffix(70) == Array(stream[950...]), "no more than the tail: the bytes before it were dropped")
    }

    @Test func aStreamBetweenHalfAndAllOfTheLimitDropsNothing() {
        let stream = (0..<80).map { UInt8($0) }
        let output = captured([stream], limit: 100)
        #expect(output.dropped == 0)
        #expect(output.kept(stream: "stdout") == stream)
        #expect(output.count == 80)
    }
}

@Suite struct RankLogTests {
    @Test func appendsContiguouslyAndCarriesOnAcrossRuns() throws {
        let directory = makeJobTestDirectory()
        func output(_ text: String) -> CapturedOutput {
            var output = CapturedOutput(limit: 1 << 10)
            Array(text.utf8).withUnsafeBytes { output.append($0) }
            return output
        }
        let first = RankLog(runDirectory: directory, rank: 2)
        #expect(try first.append(stdout: output(""), stderr: output("")) == .rankFiles(stdout: .empty, stderr: .empty))
        #expect(!FileManager.default.fileExists(atPath: directory + "/logs"), "nothing printed, nothing created")
        #expect(try first.append(stdout: output("abc"), stderr: output("")) == .rankFiles(stdout: LogSpan(offset: 0, length: 3), stderr: .empty))
        #expect(try first.append(stdout: output("de"), stderr: output("x")) == .rankFiles(stdout: LogSpan(offset: 3, length: 2), stderr: LogSpan(offset: 0, length: 1)))
        let resumed = RankLog(runDirectory: directory, rank: 2)
        #expect(try resumed.append(stdout: output("f"), stderr: output("")) == .rankFiles(stdout: LogSpan(offset: 5, length: 1), stderr: .empty))
        #expect(try String(contentsOfFile: directory + "/logs/rank-2.out", encoding: .utf8) == "abcdef")
    }

    @Test func aLinkWhereTheLogGoesIsRefused() throws {
        let directory = makeJobTestDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory + "/logs/rank-0.out", withDestinationPath: directory + "/elsewhere")
        var output = CapturedOutput(limit: 1 << 10)
        Array("x".utf8).withUnsafeBytes { output.append($0) }
        #expect(throws: OutputError.self) { try RankLog(runDirectory: directory, rank: 0).append(stdout: output, stderr: output) }
        #expect(!FileManager.default.fileExists(atPath: directory + "/elsewhere"))
    }
}

@Suite struct CommandLogTests {
    private func run(_ task: String, index: Int = 0, sweep: String = "sweep: {repeat: 3}") async throws -> (TaskContext, Result<TaskValue, any Error>) {
        let directory = makeJobTestDirectory()
        let workload = try SweepWorkload(job: JobLoader.load(path: writeJobFile(sweep + "\ntask:\n" + task, in: directory), kernels: KernelCatalog.builtIn))
        let context = commandContext(index, directory + "/out", rank: 1)
        do {
            return (context, .success(try await workload.run(context)))
        } catch {
            return (context, .failure(error))
        }
    }

    @Test func exitCodesSignalsAndOutputAreReported() async throws {
        let (ok, value) = try await run("  shell: 'echo out {index}; echo err >&2'\n  result: stdout-last-line", index: 2)
        #expect(try value.get() == .text("out 2"))
        #expect(try capturedOutput(ok) == ("out 2\n", "err\n"))
        let (failed, _) = try await run("  shell: 'exit 7'")
        #expect(failed.report?.take().withoutUsage == .init(exitCode: 7, log: .rankFiles(stdout: .empty, stderr: .empty)))
        let (killed, _) = try await run("  shell: 'kill -9 $$'")
        #expect(killed.report?.take().signal == 9)
        let (timedOut, result) = try await run("  command: [sleep, '30']\n  timeout: 200ms")
        #expect(throws: TaskTimeout.self) { try result.get() }
        #expect(timedOut.report?.take().withoutUsage == .init(signal: SIGTERM, log: .rankFiles(stdout: .empty, stderr: .empty)))
    }

    @Test func floodingOutputIsCappedAndTheResultStillComesFromItsEnd() async throws {
        // 40 MiB of stdout with max_output 64 KiB: the rank keeps 64 KiB and the note.
        let (task, value) = try await run(
            "  shell: 'head -c 41943040 /dev/zero | tr \"\\\\0\" x; echo; echo last line'\n  max_output: 64KiB\n  result: stdout-last-line")
        #expect(try value.get() == .text("last line"))
        guard case .rankFiles(let stdout, _)? = task.report?.take().log else { Issue.record("no rank log"); return }
        #expect(stdout.dropped == 41943040 + 11 - 65536)
        #expect(stdout.length < 65536 + 200)
        let (json, result) = try await run("  shell: 'head -c 100000 /dev/zero'\n  max_output: 1KiB\n  result: stdout-json")
        #expect(throws: CommandFailure.self) { try result.get() }
        _ = json.report?.take()
    }

    @Test func aChildLeftHoldingThePipeDoesNotHangTheTask() async throws {
        // `setsid` puts the sleeper in a session and group of its own, beyond the task's group
        // kill: only the bounded drain (grace 2 s + 0.5 s) ends the read. The task is done
        // while the sleeper still sleeps: it did not wait for it (a wall-clock bound would
        // measure the load of a busy machine, where a test can wait a minute for a thread).
        let (task, value) = try await run("  shell: 'setsid sleep 300 & echo $! > sleeper.pid; echo started'\n  cwd: .\n  result: stdout-last-line")
        #expect(try value.get() == .text("started"))
        _ = task.report?.take()
        let directory = (task.outputDirectory as NSString).deletingLastPathComponent
        let pid = Int32((try? String(contentsOfFile: directory + "/sleeper.pid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        guard let pid else { Issue.record("the task wrote no sleeper.pid"); return }
        #expect(kill(pid, 0) == 0, "the sleeper had ended: the task waited for it")
        kill(pid, SIGKILL)
    }

    @Test func logKeysAreValidated() {
        #expect(jobProblems("sweep: {repeat: 1}\ntask: {command: [true], logs: per-taks}\n") == [
            "2:31: logs 'per-taks' is not one of per-task, rank (did you mean 'per-task'?)"
        ])
        #expect(jobProblems("sweep: {repeat: 1}\ntask: {command: [true], max_output: 2TiB}\n") == [
            "2:37: max_output '2TiB' is not a size from 1KiB to 1GiB (such as 64KiB, 16MiB, 1GiB)"
        ])
        #expect(ByteSizeParser.bytes("16MiB") == 16 << 20)
        #expect(ByteSizeParser.bytes("512 K") == 512 << 10)
        #expect(ByteSizeParser.bytes("1000") == 1000)
        #expect(ByteSizeParser.bytes("-1") == nil)
    }
}

@Suite struct TaskLogsTests {
    /// A journal with a kernel line, a command's two attempts (rank 1), and its rank log.
    private func run() throws -> String {
        let directory = makeJobTestDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
        try "first tryfine".write(toFile: directory + "/logs/rank-1.out", atomically: true, encoding: .utf8)
        try "boom\n".write(toFile: directory + "/logs/rank-1.err", atomically: true, encoding: .utf8)
        let records = [
            TaskRecord(index: 0, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 0, value: .none, error: nil),
            TaskRecord(
                index: 1, attempt: 1, status: .failed, rank: 1, slot: 0, start: 0, seconds: 0, value: .none, error: "'x' exited with status 3",
                startedAt: 1.5, exitCode: 3,
                log: .rankFiles(stdout: LogSpan(offset: 0, length: 9), stderr: LogSpan(offset: 0, length: 5))),
            TaskRecord(
                index: 1, attempt: 2, status: .ok, rank: 1, slot: 0, start: 0, seconds: 0, value: .none, error: nil, exitCode: 0,
                log: .rankFiles(stdout: LogSpan(offset: 9, length: 4), stderr: .empty)),
            TaskRecord(
                index: 2, attempt: 1, status: .timeout, rank: 1, slot: 0, start: 0, seconds: 0, value: .none, error: "timed out",
                signal: 15, log: .rankFiles(stdout: .empty, stderr: LogSpan(offset: 0, length: 5))),
        ]
        var json = JSONWriter()
        for record in records { JournalLine.write(record, workload: CountingWorkload(taskCount: 3), to: &json) }
        try Data(json.bytes).write(to: URL(fileURLWithPath: directory + "/results.jsonl"))
        return directory
    }

    private func text(_ stream: LogStream, _ attempt: TaskLogs.Attempt, _ directory: String) throws -> String {
        let path = directory + "/copied"
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try TaskLogs.copy(stream, of: attempt, directory: directory, to: handle)
        try handle.close()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func findsTheFinalOrAGivenAttempt() throws {
        let directory = try run()
        #expect(try text(.out, TaskLogs.attempt(directory: directory, index: 1), directory) == "fine")
        let first = try TaskLogs.attempt(directory: directory, index: 1, attempt: 1)
        #expect(try text(.out, first, directory) == "first try")
        #expect(try text(.err, first, directory) == "boom\n")
        #expect(first.reason == "exit code 3")
        var failures: [String] = []
        try TaskLogs.forEachFailure(directory: directory) { failures.append("\($0.index): \($0.reason)") }
        #expect(failures == ["2: timed out"])
    }

    @Test func unknownIndicesKernelsAndCutFilesAreErrorsThatSaySo() throws {
        let directory = try run()
        #expect(throws: RunFileError.self) { try TaskLogs.attempt(directory: directory, index: 9) }
        #expect(throws: RunFileError.self) { try TaskLogs.attempt(directory: directory, index: 1, attempt: 3) }
        let kernel = try TaskLogs.attempt(directory: directory, index: 0)
        #expect(kernel.log == nil)
        #expect(throws: RunFileError.self) { try text(.out, kernel, directory) }
        try "short".write(toFile: directory + "/logs/rank-1.out", atomically: true, encoding: .utf8)
        do {
            _ = try text(.out, TaskLogs.attempt(directory: directory, index: 1), directory)
            Issue.record("a cut log file was read")
        } catch let error as RunFileError {
            #expect(error.description.hasSuffix("logs/rank-1.out: is 5 bytes long, but task 1's stdout lies at bytes 9..<13 (was the file cut?)"))
        }
    }
}

extension CommandReport.Facts {
    /// The facts with `usage` checked present and then dropped (CPU time and memory vary).
    var withoutUsage: Self {
        #expect(usage != nil)
        var facts = self
        facts.usage = nil
        return facts
    }
}
