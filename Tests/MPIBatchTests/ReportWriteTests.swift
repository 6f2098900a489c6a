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

    @Test func thePageEmbedsTheChartAsDrawnAfterItsDeclaration() throws {
        let directory = makeJobTestDirectory()
        let svg = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg><title>a ?> b &amp; é</title></svg>\n".utf8)
        let page = try String(
            contentsOfFile: ReportPage.write(directory: directory, summary: finishedRun(), data: PageData(origin: 0), timelineSVG: svg),
            encoding: .utf8)
        #expect(page.contains(
            "</section>\n<section id=\"gantt\"><h2>Timeline</h2><div class=\"gantt\">\n<svg><title>a ?> b &amp; é</title></svg>\n"
                + "</div></section>\n<section id=\"busy\">"))
        #expect(!page.contains("<?xml"))
        #expect(page.hasPrefix("<!DOCTYPE html>\n") && page.hasSuffix("</section>\n</body></html>\n"))
    }

    @Test func theChartComesAfterTheSummaryAndFindingsBeforeTheOtherCharts() throws {
        let directory = makeJobTestDirectory()
        let page = try String(
            contentsOfFile: ReportPage.write(
                directory: directory, summary: finishedRun(), data: PageData(origin: 0), timelineSVG: Array("<svg></svg>".utf8)),
            encoding: .utf8)
        let ids = page.components(separatedBy: "<section id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(ids == ["summary", "findings", "gantt", "busy", "durations", "ranks", "nodes"])
    }

    @Test func aPageOfBytesIsThePageOfText() {
        let sections = ["<section id=\"a\">é</section>", "<p>b</p>"]
        let text = PageHTML.page(title: "run <1>", sections: sections)
        #expect(PageHTML.page(title: "run <1>", sections: sections.map { Array($0.utf8) }) == Array(text.utf8))
        #expect(text.contains("<h1>run &lt;1&gt;</h1>\n<section id=\"a\">é</section>\n<p>b</p>\n</body></html>\n"))
    }

    @Test func aTraceThatCannotBeWrittenIsNamedAndThePageIsStillWritten() throws {
        let directory = makeJobTestDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/timeline.json/in-the-way", withIntermediateDirectories: true)
        let error = try #require(throws: RunFileError.self) {
            try RunReports.write(directory: directory, summary: finishedRun(), pass: RunReportPass(partStart: 0, findings: false))
        }
        #expect(error.description.hasPrefix(directory + "/timeline.json"))
        let page = try String(contentsOfFile: directory + "/report.html", encoding: .utf8)
        #expect(page.contains("<div class=\"gantt\">\n<svg"))
        #expect(FileManager.default.fileExists(atPath: directory + "/timeline.svg"))
    }
}
