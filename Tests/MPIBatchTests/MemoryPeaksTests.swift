import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchReporting

/// The memory finding adds up the peaks of attempts that ran at once on a node; it holds at
/// most `keptAttempts` of them, and past that it says it did not check rather than guess.
@Suite struct MemoryPeaksTests {
    private static func peaks(of lines: [String]) throws -> MemoryPeaks {
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/results.jsonl", atomically: false, encoding: .utf8)
        var peaks = MemoryPeaks(startOffset: 0)
        _ = try JournalFileReader.read(path: directory + "/results.jsonl") { peaks.visit($0) }
        return peaks
    }

    private static func line(_ index: Int, rank: Int, start: Double, seconds: Double, bytes: Int) -> String {
        #"{"index":\#(index),"params":{},"status":"ok","attempt":1,"seconds":\#(seconds),"start":\#(start),"rank":\#(rank),"slot":0,"max_rss_bytes":\#(bytes)}"#
    }

    @Test func peaksThatOverlapOnANodeAddUpAndBackToBackOnesDoNot() throws {
        let peaks = try Self.peaks(of: [
            Self.line(0, rank: 0, start: 0, seconds: 2, bytes: 100),
            Self.line(1, rank: 1, start: 1, seconds: 2, bytes: 50),
            Self.line(2, rank: 0, start: 2, seconds: 1, bytes: 70),  // starts as task 0 ends: with task 1 only
            Self.line(3, rank: 2, start: 0, seconds: 9, bytes: 500),  // another node
        ])
        let sums = peaks.sums(hosts: ["a", "a", "b"])
        #expect(sums.map(\.host) == ["a", "b"])
        #expect(sums.map(\.atOnce) == [150, 500])
        #expect(sums.map(\.largest) == [100, 500])
        #expect(!peaks.overflowed)
    }

    @Test func pastTheCapItSaysItDidNotCheck() throws {
        let lines = (0...MemoryPeaks.keptAttempts).map { Self.line($0, rank: 0, start: Double($0), seconds: 0.5, bytes: 1 << 20) }
        let peaks = try Self.peaks(of: lines)
        #expect(peaks.overflowed)
        #expect(peaks.sums(hosts: ["a"]).isEmpty)
    }
}
