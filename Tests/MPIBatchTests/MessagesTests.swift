import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchWorkloads

/// Messages a user meets: braces in block scalars, every problem in one pass, CSV text and `types:`.
@Suite struct MessagesTests {
    @Test func braceErrorsInABlockPointAtTheirOwnLineAndColumn() {
        let problems = jobProblems("""
            sweep: {grid: {x: [1, 2]}}
            task:
              shell: |
                python3 -c "print({{'ok': 1}})"
                awk '{print $1}' data.txt
                echo {x} {y}
              cores: 0
              bogus: 1

            """)
        #expect(problems == [
            "5:10: unknown name '{print $1}' (for literal braces, as in code or JSON, write '{{' and '}}')",
            "7:10: cores must be at least 1, not 0",
            "8:3: unknown key 'bogus' in task" + DidYouMean.suffix(for: "bogus", among: TaskParser.keys),
        ])
        let unknown = jobProblems("sweep: {grid: {x: [1]}}\ntask:\n  shell: >-\n    echo {x}\n    and {y}\n")
        #expect(unknown == [
            "5:9: unknown name '{y}' in template \"echo {x} and {y}\" (did you mean '{x}'?) (for literal braces, as in code or JSON, write '{{' and '}}')",
        ])
    }

    @Test func csvValuesKeepTheirTextUnlessDeclaredNumeric() throws {
        let directory = makeJobTestDirectory()
        writeJobFile("id,x,n,label\n007,1e3,5,a\n010,2.50,6,b\n", named: "t.csv", in: directory)
        let (_, sweep) = try loadSweep("sweep: {table: \(directory)/t.csv, types: {x: real, n: integer}}\ntask: {kernel: noop}\n")
        var json = JSONWriter()
        sweep.space.writeParameters(of: 0, to: &json)
        #expect(json.string == #"{"id":"007","x":1000.0,"n":5,"label":"a"}"#)
        let (_, plain) = try loadSweep("sweep: {table: \(directory)/t.csv}\ntask: {kernel: noop}\n")
        json = JSONWriter()
        plain.space.writeParameters(of: 1, to: &json)
        #expect(json.string == #"{"id":"010","x":"2.50","n":"6","label":"b"}"#)
    }

    @Test func unquotedCSVFieldsKeepTheirSpaces() throws {
        let directory = makeJobTestDirectory()
        writeJobFile("label, n\n  two words , 5 \n", named: "t.csv", in: directory)
        let (_, sweep) = try loadSweep("sweep: {table: \(directory)/t.csv, types: {n: integer}}\ntask: {kernel: noop}\n")
        var json = JSONWriter()
        sweep.space.writeParameters(of: 0, to: &json)
        #expect(json.string == #"{"label":"  two words ","n":5}"#)
    }

    @Test func badTypesAreReportedInTheFileAtFault() {
        let directory = makeJobTestDirectory()
        writeJobFile("id,n\na,1\nb, two\n", named: "t.csv", in: directory)
        #expect(throws: JobFileError(path: directory + "/t.csv", line: 3, column: 3, message: "'two' in column 'n' is not an integer, as types: declares")) {
            try JobLoader.load(path: writeJobFile("sweep: {table: t.csv, types: {n: integer}}\ntask: {kernel: noop}\n", in: directory), kernels: KernelCatalog.builtIn)
        }
        #expect(jobProblems("sweep: {repeat: 2, types: {n: integer}}\ntask: {kernel: noop}\n")
            == ["1:20: types: declares the columns of a table:, and this sweep has none"])
        let job = "sweep: {table: \(directory)/t.csv, types: {n: float, m: text}}\ntask: {kernel: noop}\n"
        #expect(jobProblems(job).first?.contains("column type 'float' is not one of text, integer, real, number") == true)
    }
}
