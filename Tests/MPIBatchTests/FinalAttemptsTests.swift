import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mpibatch results` in bounded memory: the journal sorted by index in runs (spilled to a
/// temporary file), merged, and each index's final line read back in batches.
@Suite struct FinalAttemptsTests {
    private static let times = #""seconds":0.1,"start":0,"rank":0,"slot":0"#

    /// A journal of `tasks` indices in shuffled order, each with one to three attempts (an ok
    /// one first for some: later lines of it do not count), some of changed work (`--force`).
    private static func journal(tasks: Int, in directory: String) throws -> [String] {
        var generator = SystemRandomNumberGenerator()
        var lines: [String] = []
        for index in (0..<tasks).shuffled(using: &generator) {
            for attempt in 1...Int.random(in: 1...3, using: &generator) {
                let status = ["ok", "failed", "timeout", "interrupted"].randomElement(using: &generator)!
                let work = Int.random(in: 0...5, using: &generator) == 0 ? "b" : "a"
                lines.append(#"{"index":\#(index),"params":{"w":"\#(work)"},"status":"\#(status)","attempt":\#(attempt),\#(times)}"#)
            }
        }
        lines.shuffle(using: &generator)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/results.jsonl", atomically: false, encoding: .utf8)
        return lines
    }

    /// Each index's final line by the rule, kept in a dictionary: what the sort must give.
    private static func expected(_ lines: [String]) throws -> [String] {
        var chosen: [Int: (line: String, ok: Bool, params: String)] = [:]
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let index = try #require(object["index"] as? Int)
            let params = "\(object["params"] ?? "")"
            if let held = chosen[index], held.ok, held.params == params { continue }
            chosen[index] = (line, object["status"] as? String == "ok", params)
        }
        return chosen.keys.sorted().map { chosen[$0]!.line }
    }

    private static func finalLines(_ attempts: FinalAttempts) throws -> [String] {
        var found: [String] = []
        try FinalLines.forEach(attempts) { (_, line) throws(RunFileError) in found.append(String(decoding: line, as: UTF8.self)) }
        return found
    }

    /// Runs of 7 lines (hundreds of them in the temporary file) merge to what one run in
    /// memory gives, and both to the rule's answer; more lines than a read-back batch holds.
    @Test func spilledRunsMergeToEachIndexsFinalLineInIndexOrder() throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = try Self.journal(tasks: FinalLines.batchPlaces + 900, in: directory)
        let want = try Self.expected(lines)
        let path = directory + "/results.jsonl"
        #expect(try Self.finalLines(FinalAttempts(journal: JournalShards(file: path), runLength: 7)) == want)
        #expect(try Self.finalLines(FinalAttempts(journal: JournalShards(file: path))) == want)
    }

    /// A table's columns are those of every printed line, in order of first appearance in
    /// index order, though the header's pass reads one line per set of columns only.
    @Test func aTablesColumnsComeFromEveryPrintedLineInIndexOrder() throws {
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let values = [4: #"{"c":1}"#, 0: #"{"a":1}"#, 3: #"{"a":2,"b":3}"#, 1: #"{"a":4}"#, 2: "null", 5: #"{"d":1}"#]
        let lines = [4, 0, 3, 5, 1, 2].map { index in
            #"{"index":\#(index),"params":{"i":\#(index)},"status":"\#(index == 5 ? "failed" : "ok")","attempt":1,\#(Self.times),"value":\#(values[index]!)}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/results.jsonl", atomically: false, encoding: .utf8)
        for (status, columns) in [(nil, "params.i,value.a,value.b,value.c,value.d,error"), (TaskStatus.ok, "params.i,value.a,value.b,value.c,error")] {
            let pipe = Pipe()
            try CompactedResults.write(directory: directory, format: .csv, status: status, to: pipe.fileHandleForWriting)
            try pipe.fileHandleForWriting.close()
            let table = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
            #expect(table.first?.hasSuffix(",max_rss_bytes," + columns) == true, "\(table.first ?? "")")
            #expect(table.count == (status == nil ? 7 : 6))
        }
    }

    @Test func anUnwritableTemporaryDirectoryIsNamed() throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try Self.journal(tasks: 5, in: directory)
        do {
            _ = try FinalAttempts(journal: JournalShards(directory: directory), runLength: 2, temporaryDirectory: directory + "/none")
            Issue.record("sorted without a temporary file")
        } catch {
            #expect(error.path == directory + "/none")
            #expect(error.reason.contains("TMPDIR"))
        }
    }

    /// `mpibatch results ... | head` with SIGPIPE ignored: the reader's end closed, the
    /// writing stops without an error (nor one per line).
    @Test func aReaderThatWentAwayEndsTheWritingQuietly() throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try Self.journal(tasks: 50, in: directory)
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        for format in ResultsFormat.allCases {
            let pipe = Pipe()
            try pipe.fileHandleForReading.close()
            try CompactedResults.write(directory: directory, format: format, to: pipe.fileHandleForWriting)
        }
    }
}
