import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchJournal
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// Users' Monte Carlo models (`montecarlo: {python: ...}`): the job keys, what a block's
/// batch entry says, the checks on the values that come back, and a block run end to end
/// on a real Python worker (numpy's Philox stream, float64 frames, a bad block's message).
/// Serialized: each test waits on a worker from a cooperative thread, and a whole test run
/// must leave those threads to the suites that time themselves.
@Suite(.serialized) struct MonteCarloModelTests {
    static let model = """
        import os
        import numpy as np
        def rank(rng, n):
            return [float(os.environ["MPIBATCH_RANK"])] * n
        def draws(rng, n, scale=1.0):
            return scale * rng.standard_normal(n)
        def short(rng, n):
            return [1.0] * (n - 1)
        def first(seed, shift=0.0):
            return float(np.random.default_rng(seed).random()) + shift
        def sequence(seed):
            return float(np.random.default_rng(seed).integers(1 << 40)) + float(seed.spawn(1)[0].generate_state(1)[0]) / 2**32
        def word(seed):
            return float(seed)
        """

    private func load(_ section: String, directory: String = makeJobTestDirectory()) throws -> (MonteCarloSpec, String) {
        try Self.model.write(toFile: directory + "/model.py", atomically: true, encoding: .utf8)
        let job = try JobLoader.load(path: writeJobFile("montecarlo:\n" + section, in: directory), kernels: KernelCatalog.builtIn)
        guard case .monteCarlo(let spec) = job.body else { throw SweepWorkloadError.notASweep(job: job.name) }
        return (spec, directory)
    }

    /// What `python3 -c script` prints.
    private func python(_ script: String) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.standardOutput = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return printed
    }

    private func context(_ block: Int, _ directory: String) -> TaskContext {
        TaskContext(index: block, attempt: 1, rank: 0, slot: 0, outputDirectory: directory + "/out")
    }

    @Test func theJobKeysMakeAModel() throws {
        let (spec, _) = try load(
            "  python: \"model:first\"\n  calls: path\n  seed_as: uint32\n  params: {shift: 2, label: x}\n  paths: 10\n  seed: 3\n  timeout: 5s\n  retries: 1\n")
        let model = try #require(spec.model)
        #expect(model.calls == .path && model.seedAs == .uint32 && model.task.retries == 1 && model.task.timeout == 5)
        #expect(model.params.map(\.name) == ["shift", "label"] && model.params[1].value == .string("x"))
        #expect(model.worker.runsMonteCarlo && spec.kernel == "python model:first (python3), per path")
        #expect(try load("  kernel: pi\n  paths: 10\n").0.model == nil)
    }

    @Test func badModelKeysAreRefusedAtTheirLine() {
        let problems = { (section: String) in jobProblems("montecarlo:\n" + section).first ?? "" }
        #expect(problems("  kernel: pi\n  python: \"json:dumps\"\n  paths: 10\n").hasPrefix("3:3: montecarlo needs exactly one of kernel, python, worker"))
        #expect(problems("  python: \"json:dumps\"\n  seed_as: uint32\n  paths: 10\n").hasPrefix("3:3: seed_as: applies to calls: path"))
        #expect(problems("  python: \"json:dumps\"\n  calls: each\n  paths: 10\n").hasPrefix("3:10: calls must be block or path, not 'each'"))
        #expect(problems("  kernel: pi\n  seed_as: uint32\n  paths: 10\n").hasPrefix("3:3: seed_as: belongs to python: and worker: models"))
        #expect(problems("  worker: {command: [cat]}\n  reference: bs\n  paths: 10\n").hasPrefix("3:14: reference: names a function of the python: model's module"))
        #expect(problems("  python: \"nosuchmodule_xyz:f\"\n  paths: 10\n").hasPrefix("2:11: python module 'nosuchmodule_xyz' not found"))
        #expect(problems("  python: \"json:dumps\"\n  paths: 10\n  result: none\n").hasPrefix("4:3: unknown key 'result' in montecarlo"))
        let stage = "stages:\n  - name: mc\n    montecarlo: {python: \"json:dumps\", paths: 10}\n"
        #expect(jobProblems(stage).first?.contains("not supported inside a stage yet") == true)
    }

    @Test func aBlockEntryCarriesTheParamsAndItsStreams() throws {
        let (spec, _) = try load("  python: \"model:draws\"\n  params: {scale: 2}\n  paths: 2500\n  seed: 18446744073709551615\n  block: 1000\n")
        var batch = WorkerBatchWriter()
        MonteCarloModelTasks(spec: spec, model: try #require(spec.model)).add(index: 2, attempt: 1, to: &batch)
        let text = String(decoding: batch.frame().dropFirst(5), as: UTF8.self)
        #expect(text.contains(#""params":{"scale":2},"montecarlo":{"calls":"block","first_path":2000,"paths":500,"key":[18446744073709551615,0],"counter":[0,0,2,0]}"#))
        let (perPath, _) = try load("  python: \"model:first\"\n  calls: path\n  paths: 10\n  seed: 4\n  block: 4\n")
        var pathBatch = WorkerBatchWriter()
        MonteCarloModelTasks(spec: perPath, model: try #require(perPath.model), onlyPath: 9).add(index: 2, attempt: 1, to: &pathBatch)
        #expect(String(decoding: pathBatch.frame().dropFirst(5), as: UTF8.self).contains(
            #""montecarlo":{"calls":"path","first_path":9,"paths":1,"seed":4,"seed_as":"sequence"}"#))
    }

    @Test func blockValuesAreCheckedBeforeTheyCount() throws {
        let check = MonteCarloBlockValues(block: 3, paths: 30..<34, model: "m")
        // Mean 3.75 from the sum, M2 from the deviations (-2.75, -1.75, 0.25, 4.25): exact here.
        #expect(try check.accumulate(.numbers([1, 2, 4, 8])) == MonteCarloAccumulator(.numbers([4, 3.75, 28.75, 1, 8])))
        func message(_ value: TaskValue) -> String {
            do {
                _ = try check.accumulate(value)
                return ""
            } catch { return error.description }
        }
        #expect(message(.numbers([1, 2, 3])) == "block 3 (paths 30..<34) of m returned 3 values, expected 4")
        #expect(message(.numbers([1, .nan, .infinity, .nan])).hasPrefix(
            "block 3 (paths 30..<34) of m returned 2 NaN, 1 +inf among its 4 values (the first at path 31); the block is left out, never averaged"))
        #expect(message(.numbers([1, 2, 3, -.infinity])).contains("returned 1 -inf among its 4 values (the first at path 33)"))
        #expect(message(.json(#"{"a":1}"#)).contains("returned no float64 values"))
    }

    @Test func aBlocksSummaryIsWelfordsToRoundingAndFallsBackToItWhenASumOverflows() throws {
        var generator = SystemRandomNumberGenerator()
        for count in [1, 2, 3, 5, 65_536, 65_539] {
            let values = (0..<count).map { _ in Double.random(in: -3...40, using: &generator) }
            let summary = try #require(MonteCarloBlockValues.summary(of: values))
            var welford = MonteCarloAccumulator()
            for value in values { welford.add(value) }
            #expect(summary.count == count && summary.minimum == welford.minimum && summary.maximum == welford.maximum)
            #expect(abs(summary.mean - welford.mean) <= 1e-12 * 40 && abs(summary.m2 - welford.m2) <= 1e-9 * max(1, welford.m2))
            // What paths_out: sees does not change the bits.
            var seen = 0
            let check = MonteCarloBlockValues(block: 0, paths: 0..<count, model: "m")
            #expect(try check.accumulate(.numbers(values)) { _, _ in seen += 1 } == summary && seen == count)
        }
        // Finite values whose sum overflows: path by path (Welford), as before.
        let huge = [Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude, 1]
        #expect(MonteCarloBlockValues.summary(of: huge) == nil)
        var welford = MonteCarloAccumulator()
        for value in huge { welford.add(value) }
        #expect(try MonteCarloBlockValues(block: 0, paths: 0..<3, model: "m").accumulate(.numbers(huge)) == welford)
        #expect(MonteCarloBlockValues.summary(of: [1, .nan]) == nil && MonteCarloBlockValues.summary(of: [.infinity, 1]) == nil)
    }

    @Test func aFramesValuesFoldedWhereTheyLieGiveTheArraysBitsAndMessages() throws {
        var generator = SystemRandomNumberGenerator()
        // Each block's bytes start one byte into a buffer, as a float64 frame's payload does after its type byte.
        func folded(_ values: [Double], paths: Range<Int>) -> Result<MonteCarloAccumulator, MonteCarloBlockError> {
            var bytes: [UInt8] = [2]
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            let check = MonteCarloBlockValues(block: 0, paths: paths, model: "m")
            return bytes.withUnsafeBytes { raw in Result { () throws(MonteCarloBlockError) in try check.accumulate(float64s: UnsafeRawBufferPointer(rebasing: raw[1...])) } }
        }
        func byArray(_ values: [Double], paths: Range<Int>) -> Result<MonteCarloAccumulator, MonteCarloBlockError> {
            Result { () throws(MonteCarloBlockError) in try MonteCarloBlockValues(block: 0, paths: paths, model: "m").accumulate(.numbers(values)) }
        }
        for count in [0, 1, 3, 4, 65_539] {
            let values = (0..<count).map { _ in Double.random(in: -3...40, using: &generator) }
            #expect(try folded(values, paths: 0..<count).get() == byArray(values, paths: 0..<count).get())
        }
        let huge = [Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude, 1]
        #expect(try folded(huge, paths: 0..<3).get() == byArray(huge, paths: 0..<3).get())
        for (values, paths) in [([1, .nan, .infinity, 2], 0..<4), ([1, 2, 3], 0..<4)] as [([Double], Range<Int>)] {
            let messages = [folded(values, paths: paths), byArray(values, paths: paths)].map { result -> String in
                guard case .failure(let error) = result else { return "" }
                return error.description
            }
            #expect(!messages[0].isEmpty && messages[0] == messages[1])
        }
    }

    @Test func aBlockRunsOnAPythonWorkerFromNumpysPhiloxStream() async throws {
        let (spec, directory) = try load("  python: \"model:draws\"\n  params: {scale: 2}\n  paths: 2500\n  seed: 7\n  block: 1000\n")
        let workload = try MonteCarloModelWorkload(spec: spec)
        let value = try await workload.run(context(2, directory))
        let accumulator = try #require(MonteCarloAccumulator(value))
        #expect(accumulator.count == 500)
        // The same draws, from a plain numpy loop with the documented key and counter.
        let script = "import numpy as np; x = 2 * np.random.Generator(np.random.Philox(key=[7, 0], counter=[0, 0, 2, 0])).standard_normal(500); print(repr(float(x.min())), repr(float(x.max())), repr(float(x[3])))"
        let printed = try python(script)
        let numbers = printed.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(numbers.count == 3 && Array(numbers.prefix(2)) == [accumulator.minimum, accumulator.maximum])
        #expect(try await workload.value(ofPath: 2003, outputDirectory: directory + "/out") == numbers.last)
    }

    @Test func aShortBlockFailsByName() async throws {
        let (spec, directory) = try load("  python: \"model:short\"\n  paths: 2500\n  seed: 7\n  block: 1000\n")
        let workload = try MonteCarloModelWorkload(spec: spec)
        await #expect {
            _ = try await workload.run(context(1, directory))
        } throws: { error in
            (error as? MonteCarloBlockError)?.description == "block 1 (paths 1000..<2000) of python model:short (python3) returned 999 values, expected 1000"
        }
    }

    @Test func aPerPathModelGetsItsPathsSeedSequence() async throws {
        let (spec, directory) = try load("  python: \"model:first\"\n  calls: path\n  params: {shift: 1}\n  paths: 10\n  seed: 4\n  block: 4\n")
        let alone = try await MonteCarloModelWorkload(spec: spec, onlyPath: 9).value(ofPath: 9, outputDirectory: directory + "/out")
        let inBlock = try #require(MonteCarloAccumulator(try await MonteCarloModelWorkload(spec: spec).run(context(2, directory))))
        #expect(inBlock.count == 2 && (inBlock.minimum == alone || inBlock.maximum == alone))
        #expect(alone >= 1 && alone < 2)
    }

    /// Each path's seed is numpy's own `SeedSequence(seed, spawn_key=(i,))` (or its
    /// `generate_state(1)[0]`), bit for bit, in a block's first paths, in one just below path
    /// 2³² and in one across it (a spawn key of two words), as numpy's constructor makes it.
    @Test func everyPathsSeedIsNumpysOwn() async throws {
        for (function, form, expression) in [
            ("sequence", "sequence", "sequence(s)"), ("word", "uint32", "word(int(s.generate_state(1)[0]))"),
        ] {
            let (spec, directory) = try load(
                "  python: \"model:\(function)\"\n  calls: path\n  seed_as: \(form)\n  paths: 5000000000\n  seed: 7\n  block: 40\n")
            let workload = try MonteCarloModelWorkload(spec: spec)
            for block in [0, (1 << 32) / 40 - 1, (1 << 32) / 40] {
                let paths = spec.paths(ofBlock: block)
                let script = "import sys; sys.path.insert(0, '\(directory)'); import numpy as np; from model import *\n"
                    + "for i in range(\(paths.lowerBound), \(paths.upperBound)):\n    s = np.random.SeedSequence(7, spawn_key=(i,))\n"
                    + "    print(float.hex(\(expression)))"
                let values = try python(script).split(separator: "\n").map { try #require(Double(String($0))) }
                let expected = try #require(MonteCarloBlockValues.summary(of: values))
                let got = try #require(MonteCarloAccumulator(try await workload.run(context(block, directory))))
                #expect(values.count == 40 && got == expected, "\(form), block \(block)")
            }
        }
    }

    @Test func rankZerosFirstWorkerSaysItsInterpreterAndNumpyAndStaysForTheBlocks() async throws {
        let (spec, directory) = try load("  python: \"model:draws\"\n  paths: 2000\n  seed: 7\n  block: 1000\n")
        let workload = try MonteCarloModelWorkload(spec: spec)
        let environment = try #require(await workload.resultEnvironment(outputDirectory: directory + "/out"))
        // What the same interpreter's numpy import says, asked apart.
        let script = "import numpy, platform, sys; print(numpy.__version__); print(platform.python_implementation(), platform.python_version())"
        let printed = try python(script).split(separator: "\n").map(String.init)
        #expect(environment.members["numpy"] == printed.first && environment.members["python"] == printed.last)
        #expect(environment.members["executable"]?.hasPrefix("/") == true && environment.compared.count == 2)
        // Its start-up, waited for before the run began, is its first block's worker start but
        // not within the block's time (the block's start and length stay its own).
        let out = directory + "/out"
        let report = CommandReport(log: RankLog(runDirectory: out, rank: 0))
        let first = TaskContext(index: 1, attempt: 1, rank: 0, slot: 0, outputDirectory: out, report: report)
        #expect(try #require(MonteCarloAccumulator(try await workload.run(first))).count == 1000)
        let facts = report.take()
        #expect(facts.earlySetupSeconds > 0 && facts.setupSeconds == 0, "\(facts)")
        // A model whose worker cannot start says nothing; its first block fails with why, as before.
        let (missing, elsewhere) = try load("  python: \"model:nosuchfunction\"\n  paths: 10\n")
        let broken = try MonteCarloModelWorkload(spec: missing)
        #expect(await broken.resultEnvironment(outputDirectory: elsewhere + "/out") == nil)
        await #expect(throws: WorkerStartFailure.self) { _ = try await broken.run(context(0, elsewhere)) }
    }

    @Test func prestartedWorkersServeTheirSlotsAndOnesStartedForAnotherRankAreReplaced() async throws {
        let (spec, directory) = try load("  python: \"model:rank\"\n  paths: 2000\n  seed: 7\n  block: 1000\n")
        let out = directory + "/out"
        // Started as rank 1 would start them (the launcher's guess before MPI), then as rank 0:
        // the block runs on a worker of rank 0.
        let replaced = try MonteCarloModelWorkload(spec: spec)
        replaced.prestartWorkers(rank: 1, slots: 0..<2, outputDirectory: out)
        replaced.prestartWorkers(rank: 0, slots: 0..<2, outputDirectory: out)
        #expect(try #require(MonteCarloAccumulator(try await replaced.run(context(1, directory)))).maximum == 0)
        // Started as rank 1 only: the block's own start (rank 0) replaces it.
        let guessed = try MonteCarloModelWorkload(spec: spec)
        guessed.prestartWorkers(rank: 1, slots: 0..<1, outputDirectory: out)
        #expect(try #require(MonteCarloAccumulator(try await guessed.run(context(0, directory)))).maximum == 0)
        // Started right: rank 0's first worker names the interpreter for the start note.
        let started = try MonteCarloModelWorkload(spec: spec)
        started.prestartWorkers(rank: 0, slots: 0..<1, outputDirectory: out)
        let environment = try #require(await started.resultEnvironment(outputDirectory: out))
        let executable = try #require(environment.members["executable"])
        #expect(started.startNotes.count == 1 && started.startNotes[0].hasPrefix("python: model runs under CPython ")
            && started.startNotes[0].hasSuffix(" " + executable))
        #expect(try #require(MonteCarloAccumulator(try await started.run(context(1, directory)))).count == 1000)
    }

    @Test func aWorkerUnderAnotherEnvironmentThanRankZerosCannotStart() async throws {
        let (spec, directory) = try load("  python: \"model:draws\"\n  paths: 2000\n  seed: 7\n  block: 1000\n")
        let workload = try MonteCarloModelWorkload(spec: spec)
        workload.expectEnvironment(RunEnvironment(["python": "CPython 3.0.0", "numpy": "0.0.0+other", "executable": "/elsewhere"]))
        let numpy = try python("import numpy; print(numpy.__version__)").trimmingCharacters(in: .whitespacesAndNewlines)
        await #expect {
            _ = try await workload.run(context(1, directory))
        } throws: { error in
            let text = (error as? WorkerStartFailure)?.description ?? ""
            return text.contains("it runs under numpy \(numpy), python CPython") && text.contains("on rank 0, but rank 0's worker runs under numpy 0.0.0+other, python CPython 3.0.0")
        }
        // The same versions elsewhere (another executable) start.
        let same = try MonteCarloModelWorkload(spec: spec)
        let own = try #require(await same.resultEnvironment(outputDirectory: directory + "/out"))
        let moved = try MonteCarloModelWorkload(spec: spec)
        moved.expectEnvironment(RunEnvironment(own.compared.merging(["executable": "/elsewhere"]) { $1 }))
        #expect(try #require(MonteCarloAccumulator(try await moved.run(context(1, directory)))).count == 1000)
    }
}
