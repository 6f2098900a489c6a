import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchReporting
@testable import MPIBatchScheduling

/// The report page: a file that cannot be written is named once in the error; its summary
/// counts blocks as blocks and says what its per-attempt slot time is.
@Suite struct ReportWriteTests {
    @Test func aReportThatCannotBeWrittenNamesItsFileOnce() throws {
        let directory = makeJobTestDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/report.html/in-the-way", withIntermediateDirectories: true)
        let error = try #require(throws: RunFileError.self) {
            try ReportPage.write(directory: directory, summary: finishedRun(), data: PageData(origin: 0), timelineSVG: nil)
        }
        #expect(error.description == directory + "/report.html: rename: Is a directory")
    }

    @Test func thePageCountsBlocksAndExplainsTheSlotTimeBetweenThem() throws {
        let directory = makeJobTestDirectory()
        var run = finishedRun()
        run.monteCarlo = MonteCarloSummary(
            kernel: "k", seed: 1, total: MonteCarloAccumulator(), blocks: 3, blocksTotal: 3, reference: nil, targetMet: false,
            blocksMalformed: [])
        let page = try String(contentsOfFile: ReportPage.write(directory: directory, summary: run, data: PageData(origin: 0), timelineSVG: nil), encoding: .utf8)
        #expect(page.contains("<th>blocks</th>") && page.contains("blocks/s"))
        #expect(page.contains("slot time not spent in a block"))
        #expect(!page.contains("dispatch overhead"))
    }
}
