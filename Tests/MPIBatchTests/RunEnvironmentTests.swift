import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchRuntime

/// `run.json` records what a model's worker runs under (`RunEnvironment`) per part, and
/// `--resume` under another interpreter or numpy version is refused before anything runs,
/// unless `--force` (then the run says it mixed them); a hand-edited field is named.
@Suite struct RunEnvironmentTests {
    static let old = RunEnvironment(["python": "CPython 3.12.3", "numpy": "1.26.4", "executable": "/usr/bin/python3"])
    static let moved = RunEnvironment(["python": "CPython 3.12.3", "numpy": "1.26.4", "executable": "/scratch/venv/bin/python3"])
    static let new = RunEnvironment(["python": "CPython 3.12.3", "numpy": "2.1.0", "executable": "/usr/bin/python3"])

    /// Prepares `directory` (dropping its lock at once) and returns the notes it made.
    @discardableResult
    private func prepare(_ directory: String, _ environment: RunEnvironment?, resume: Bool = true, force: Bool = false) throws -> [String] {
        let configuration = RunConfiguration(name: "test", outputDirectory: directory, behaviour: RunBehaviour(resume: resume, force: force))
        return try PreparedRun.prepare(
            configuration: configuration, jobHash: "job", job: CountingWorkload(taskCount: 3), taskCount: 3, keepValues: false,
            environment: environment
        ).notes
    }

    /// A run begun under `first`, with a journal (empty: nothing finished yet).
    private func begun(under first: RunEnvironment?) throws -> String {
        let directory = temporaryRunDirectory()
        try prepare(directory, first, resume: false)
        #expect(FileManager.default.createFile(atPath: directory + "/results.jsonl", contents: Data()))
        return directory
    }

    private func parts(of directory: String) throws -> [RunMetadata.Part] {
        try RunMetadata.read(from: directory + "/run.json").parts
    }

    @Test func eachPartRecordsItsEnvironmentAndTheSameOneResumes() throws {
        let directory = try begun(under: Self.old)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try parts(of: directory).map(\.environment) == [Self.old])
        let text = try String(contentsOfFile: directory + "/run.json", encoding: .utf8)
        #expect(text.contains(#""environment":{"executable":"\/usr\/bin\/python3","numpy":"1.26.4","python":"CPython 3.12.3"}"#))
        // Another place of the same versions (a moved virtual environment) is no change.
        #expect(try prepare(directory, Self.moved).isEmpty)
        #expect(try parts(of: directory).map(\.environment) == [Self.old, Self.moved])
    }

    @Test func anotherNumpyIsRefusedNamingBothVersionsAndTheWayOut() throws {
        let directory = try begun(under: Self.old)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = try #require(throws: RunFileError.self) { try prepare(directory, Self.new) }
        #expect(error.path == directory + "/run.json")
        #expect(error.reason.contains("ran under numpy 1.26.4, python CPython 3.12.3 (part 1)"))
        #expect(error.reason.contains("now runs under numpy 2.1.0, python CPython 3.12.3"))
        #expect(error.reason.contains("--force"))
        #expect(try parts(of: directory).count == 1)  // refused before run.json gained a part
    }

    @Test func forceGoesOnRecordsTheNewVersionsAndSaysTheRunMixedThem() throws {
        let directory = try begun(under: Self.old)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let notes = try prepare(directory, Self.new, force: true)
        #expect(notes == [
            "this run mixed environments (resumed with --force): numpy 1.26.4, python CPython 3.12.3 (part 1); "
                + "numpy 2.1.0, python CPython 3.12.3 (part 2); blocks of different parts may hold path values of different builds"
        ])
        let recorded = try parts(of: directory)
        #expect(recorded.map(\.environment) == [Self.old, Self.new] && recorded[1].notes == notes)
        // The next resume compares with the last part, and still says the run is mixed.
        #expect(throws: RunFileError.self) { try prepare(directory, Self.old) }
        #expect(try prepare(directory, Self.new).first?.contains("(parts 2, 3)") == true)
    }

    @Test func aWorkerThatSaysNothingOrAnOldRunJsonChecksNothing() throws {
        let directory = try begun(under: nil)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try prepare(directory, Self.new).isEmpty)  // parts before it recorded nothing
        #expect(try prepare(directory, nil).isEmpty)  // a worker that does not say: nothing to compare
        #expect(try parts(of: directory).map(\.environment) == [nil, Self.new, nil])
    }

    @Test func aHandEditedEnvironmentIsRefusedNamingTheFileAndTheMember() throws {
        let directory = try begun(under: Self.old)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/run.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for (garbage, place, kind) in [
            (#""numpy":1.26"#, "parts[0].environment.numpy", "a string"),
            (#""numpy":null"#, "parts[0].environment.numpy", "a string"),
        ] {
            try text.replacingOccurrences(of: #""numpy":"1.26.4""#, with: garbage).write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: RunFileError.self) { try prepare(directory, Self.old) }
            #expect(error.path == path && error.reason.hasPrefix("\(place) is \(garbage.hasSuffix("null") ? "null, not" : "not") \(kind)"))
        }
        let whole = text.replacingOccurrences(of: #"{"executable":"\/usr\/bin\/python3","numpy":"1.26.4","python":"CPython 3.12.3"}"#, with: "[3]")
        try whole.write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: RunFileError.self) { try prepare(directory, Self.old) }
        #expect(error.reason.hasPrefix("parts[0].environment is not an object (edited by hand?)"))
    }
}
