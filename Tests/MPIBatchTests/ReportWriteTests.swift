import Foundation
import Testing
@testable import MPIBatch

/// A report file that cannot be written is named once in the error.
@Suite struct ReportWriteTests {
    @Test func aReportThatCannotBeWrittenNamesItsFileOnce() throws {
        let directory = makeJobTestDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/report.html/in-the-way", withIntermediateDirectories: true)
        let error = try #require(throws: RunFileError.self) {
            try ReportPage.write(directory: directory, summary: finishedRun(), data: PageData(span: 0...1))
        }
        #expect(error.description == directory + "/report.html: rename: Is a directory")
    }
}
