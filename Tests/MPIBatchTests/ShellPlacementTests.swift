import Foundation
import Testing
@testable import MPIBatchJob
@testable import MPIBatchWorkloads

/// A `shell:` placeholder in every place a shell body can hold one, with values that would run
/// `touch pwned` (or change the bytes) if the value ever became shell code.
@Suite struct ShellPlacementTests {
    static let hostile = [
        "$(touch pwned)", "`touch pwned`", "\"; touch pwned; \"", "'; touch pwned; '", "back\\slash\\", "two\nlines",
        "it's", "$HOME", "${HOME}", "!!", "hi!", "*", "?", "[a]", "a  b\tc", "-n", "EOF", "'", "\"", "\\", "",
    ]

    /// A placement: the `shell:` body (YAML block text) and what it prints as task `index` with value `v`.
    struct Placement: CustomTestStringConvertible, Sendable {
        let name: String
        let body: String
        let expected: @Sendable (_ index: Int, _ value: String) -> String
        var testDescription: String { name }
    }

    static let placements: [Placement] = [
        Placement(name: "unquoted", body: "printf 'X%sX' {v}", expected: { _, v in "X\(v)X" }),
        Placement(name: "unquoted, two words", body: "printf '<%s>' a{v}b {v}", expected: { _, v in "<a\(v)b><\(v)>" }),
        Placement(name: "double quotes", body: "printf 'X%sX' \"pre {v} post\"", expected: { _, v in "Xpre \(v) postX" }),
        Placement(name: "single quotes", body: "printf 'X%sX' 'pre {v} post'", expected: { _, v in "Xpre \(v) postX" }),
        Placement(name: "$'…'", body: "printf 'X%sX' $'tab\\t{v}'", expected: { _, v in "Xtab\t\(v)X" }),
        Placement(name: "unquoted heredoc", body: "cat <<EOF\nX{v}X \"{v}\" '{v}'\nEOF", expected: { _, v in "X\(v)X \"\(v)\" '\(v)'\n" }),
        Placement(name: "heredoc <<-", body: "cat <<-END\n\tX{v}X\n\tEND\nprintf done", expected: { _, v in "X\(v)X\ndone" }),
        Placement(name: "after a quoted heredoc", body: "cat <<'EOF'\n$literal\nEOF\nprintf %s {v}", expected: { _, v in "$literal\n\(v)" }),
        Placement(name: "here-string", body: "cat <<< {v}", expected: { _, v in "\(v)\n" }),
        Placement(name: "after ${#…}", body: "x=ab; printf '%s|%s' \"${{#x}} {v}\" {v}", expected: { _, v in "2 \(v)|\(v)" }),
        Placement(name: "$( )", body: "printf 'X%sX' \"$(printf %s {v})\"", expected: { _, v in "X\(v)X" }),
        Placement(name: "backticks", body: "printf 'X%sX' \"`printf %s {v}`\"", expected: { _, v in "X\(v)X" }),
        Placement(name: "${ :- }", body: "printf 'X%sX' \"${{MPIBATCH_UNSET_X:-{v}}}\" ${{MPIBATCH_UNSET_X:-{v}}}", expected: { _, v in "X\(v)XX\(v)X" }),
        Placement(name: "comment", body: "printf 'X%sX' {v} # {v} '\nprintf %s \"{v}\"", expected: { _, v in "X\(v)X\(v)" }),
        Placement(name: "arithmetic with a whole number", body: "printf '%s:' $(( {index} + 1 )) && printf %s {v}", expected: { index, v in "\(index + 1):\(v)" }),
    ]

    private func workload(_ body: String, directory: String) throws -> SweepWorkload {
        let values = Self.hostile.map { "'" + $0.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: "\n\n") + "'" }
        let indented = body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        let text = "sweep:\n  grid:\n    v: [\(values.joined(separator: ", "))]\ntask:\n  cwd: .\n  shell: |-\n\(indented)\n"
        return try SweepWorkload(job: JobLoader.load(path: writeJobFile(text, in: directory), kernels: KernelCatalog.builtIn))
    }

    @Test(arguments: placements) func hostileValuesArriveAsTheirExactBytes(_ placement: Placement) async throws {
        let directory = makeJobTestDirectory()
        let job = try workload(placement.body, directory: directory)
        for (index, value) in Self.hostile.enumerated() {
            let task = commandContext(index, directory + "/out")
            _ = try await job.run(task)
            #expect(try capturedOutput(task).stdout == placement.expected(index, value), "value \(value.debugDescription)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/pwned"))
    }

    @Test func theLineIsTheSameForEveryTaskAndValuesTravelInTheEnvironment() throws {
        let spec = try JobLoader.load(path: writeJobFile("sweep: {grid: {v: ['$(x)'], w-x: [1]}}\ntask: {shell: \"echo {v} '{w-x}' {v}\"}\n"), kernels: KernelCatalog.builtIn)
        guard case .sweep(let sweep) = spec.body, case .shell(let script) = sweep.task.action else {
            Issue.record("not a shell sweep")
            return
        }
        #expect(script.line.isConstant)
        #expect(script.line.source == #"echo "${MPIBATCH_P_v}" ''"${MPIBATCH_P_w_x}"'' "${MPIBATCH_P_v}""#)
        #expect(script.variables.map(\.name) == ["MPIBATCH_P_v", "MPIBATCH_P_w_x"])
    }

    @Test func placesThatCannotBeMadeSafeAreRefusedWithTheFix() {
        func problems(_ body: String) -> [String] {
            jobProblems("sweep: {grid: {v: [a], n: [1, 2]}}\ntask:\n  shell: |-\n    \(body.replacingOccurrences(of: "\n", with: "\n    "))\n")
        }
        #expect(problems("echo $(( {v} + 1 ))").first?.hasPrefix("4:14: {v} stands inside shell arithmetic") == true)
        #expect(problems("(( x = {v} ))").first?.hasPrefix("4:12: {v} stands inside shell arithmetic") == true)
        #expect(problems("echo $(( {n} * 2 )) $(( {index} ))").isEmpty)
        #expect(problems("cat <<'EOF'\n{v}\nEOF").first?.hasPrefix("5:5: {v} stands in a heredoc whose delimiter is quoted") == true)
        #expect(problems("cat <<\"E\"\nx {v}\nE").first?.hasPrefix("5:7: {v} stands in a heredoc whose delimiter is quoted") == true)
        #expect(problems("cat <<E{v}\nx\nE{v}").first?.hasPrefix("4:12: {v} stands in a heredoc's delimiter") == true)
        #expect(jobProblems("sweep: {grid: {v: [a]}}\ntask: {shell: 'echo {v}', env: {MPIBATCH_P_v: x}}\n").first?
            .hasPrefix("2:32: env 'MPIBATCH_P_v' is the variable that carries") == true)
    }
}
