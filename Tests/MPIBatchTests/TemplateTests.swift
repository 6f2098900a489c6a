import Testing
@testable import MPIBatchJob
@testable import MPIBatchPlan
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

@Suite struct TemplateTests {
    private let space = IndexSpace(axes: [[("mesh", .list([.integer(16), .integer(32)]))]])!

    private func render(_ text: String, at index: Int = 1) throws(TemplateError) -> String {
        let template = try Template(parsing: text, scope: TemplateScope(space: space))
        return TemplateExpansion(space: space, jobSeed: 5, jobDirectory: "/jobs").render(template, at: index)
    }

    @Test func parametersBuiltInsAndEscapedBraces() throws {
        #expect(try render("m{mesh}-i{index}-r{replicate}") == "m32-i1-r0")
        #expect(try render("{{literal}} {mesh}") == "{literal} 32")
        #expect(try render("{seed}") == String(TaskSeed.seed(job: 5, index: 1)))
        let template = try Template(parsing: "a{mesh}b", scope: TemplateScope(space: space))
        #expect(template.segments == [.literal("a"), .reference(.parameter(0)), .literal("b")])
    }

    @Test func unknownNamesAndUnbalancedBracesAreErrorsWithOffsets() {
        #expect(throws: TemplateError.self) { try render("{mesh") }
        do {
            _ = try render("ab}c")
        } catch {
            #expect(error.offset == 2)
            #expect(error.message == "unbalanced '}' in template \"ab}c\" (write '}}' for a literal brace)")
        }
        do {
            _ = try render("x {mash}")
        } catch {
            #expect(error.offset == 2)
            #expect(error.message == "unknown name '{mash}' in template \"x {mash}\" (did you mean '{mesh}'?) (for literal braces, as in code or JSON, write '{{' and '}}')")
        }
        #expect(jobProblems("sweep: {repeat: 2}\ntask:\n  shell: \"echo {oops\"\n")
            == ["3:16: unbalanced '{' in template \"echo {oops\" (write '{{' for a literal brace)"])
    }

    @Test func seedsAreMixedAndDependOnJobSeedAndIndex() {
        let seeds = Set((0..<1000).map { TaskSeed.seed(job: 1, index: $0) })
        #expect(seeds.count == 1000)
        #expect(TaskSeed.seed(job: 1, index: 0) != TaskSeed.seed(job: 2, index: 0))
        #expect(seeds.allSatisfy { $0 >= 0 })
    }

    @Test func kernelArgumentsKeepTheirTypes() async throws {
        let (job, _) = try loadSweep("""
            sweep: {grid: {ms: [0, 2]}}
            task:
              kernel: fail
              args: {ms: "{ms}", when: "7,{index}9", p: 0}
            """)
        let workload = try SweepWorkload(job: job)
        #expect(workload.describeTask(1) == "kernel fail(ms=2, when=7,19, p=0)")
        #expect(try await workload.run(TaskContext(index: 1, attempt: 1, rank: 0, slot: 0, outputDirectory: "/tmp")) == .number(1))
    }
}
