import Testing
@testable import MPIBatchPlan
@testable import MPIBatchWorkloads

@Suite struct StageGraphTests {
    @Test func aCycleIsPrintedAroundItsStages() {
        let problems = jobProblems(stagesYAML([("a", ["c"], ""), ("b", ["a"], ""), ("c", ["b"], ""), ("d", [], "")]))
        #expect(problems.count == 1)
        #expect(problems.first?.contains("dependency cycle: ") == true)
        let cycle = problems.first.map { String($0.split(separator: ": ").last!) } ?? ""
        #expect(["a -> b -> c -> a", "b -> c -> a -> b", "c -> a -> b -> c"].contains(cycle), "\(cycle)")
    }

    @Test func aSelfDependencyIsACycle() {
        #expect(jobProblems(stagesYAML([("a", ["a"], "")])).first?.hasSuffix("dependency cycle: a -> a") == true)
    }

    @Test func unknownDependenciesAreShownWithASuggestionAtTheirPlace() {
        let problems = jobProblems(stagesYAML([("extract", [], ""), ("model", ["extrct", "nothing"], "")]))
        #expect(problems == [
            "7:13: unknown stage 'extrct' in after: (did you mean 'extract'?)",
            "7:21: unknown stage 'nothing' in after:",
        ])
    }

    @Test func duplicateNamesNameBothStages() {
        let problems = jobProblems(stagesYAML([("a", [], ""), ("a", [], "")]))
        #expect(problems == ["5:11: duplicate stage name 'a' (stage 1 already has it)"])
    }

    @Test func stageBodiesAreChecked() {
        #expect(jobProblems("stages:\n  - name: a\n    after: []\n").first?.contains("needs a body") == true)
        #expect(jobProblems("stages:\n  - name: a\n    kernel: noop\n    exclusive: maybe\n").first?.contains("true or false") == true)
        #expect(jobProblems("stages:\n  - name: a b\n    kernel: noop\n").first?.contains("letters, digits") == true)
    }

    @Test func stageValuesAreOnlyForUpstreamStages() {
        let ok = "stages:\n  - name: a\n    kernel: noop\n  - name: b\n    after: a\n    shell: \"echo {stages.a.value}\"\n"
        #expect(jobProblems(ok).isEmpty)
        let bad = "stages:\n  - name: a\n    shell: \"echo {stages.b.value}\"\n  - name: b\n    kernel: noop\n"
        #expect(jobProblems(bad).first?.contains("unknown name '{stages.b.value}'") == true)
    }

    @Test func levelsAndCriticalPathOfADiamond() throws {
        let (_, graph) = try loadStageGraph(stagesYAML([
            ("a", [], "estimate: 1s"), ("b", ["a"], "estimate: 3s"), ("c", ["a"], "estimate: 2s"), ("d", ["b", "c"], "estimate: 1s"),
        ]))
        #expect(graph.topology.levels == [[0], [1, 2], [3]])
        let figures = graph.plannedFigures
        #expect(figures.criticalPath == 5)
        #expect(figures.stages == [0, 1, 3])
        #expect(figures.totalWork == 7)
    }

    @Test func aFanOutStageCountsOneTaskOnThePathAndAllOfThemInTheWork() throws {
        let (_, graph) = try loadStageGraph("""
            stages:
              - name: prep
                kernel: noop
                estimate: 2s
              - name: fan
                after: prep
                estimate: 1s
                sweep: {grid: {i: {range: [0, 10, 1]}}}
                task: {kernel: noop}
            """)
        #expect(graph.taskCount == 11)
        #expect(graph.locate(0) == (0, 0))
        #expect(graph.locate(7) == (1, 6))
        let figures = graph.plannedFigures
        #expect(figures.criticalPath == 3)
        #expect(figures.totalWork == 12)
    }

    @Test func undeclaredEstimatesWeighTheMeanOfDeclaredOnes() throws {
        let (_, graph) = try loadStageGraph(stagesYAML([("a", [], "estimate: 4s"), ("b", ["a"], ""), ("c", [], "estimate: 2s")]))
        #expect(graph.declaredTaskSeconds == [4, 3, 2])
        #expect(!graph.isFullyEstimated)
    }

    @Test func planShowsLevelsCriticalPathAndSpeedup() throws {
        let path = writeJobFile(stagesYAML([("a", [], "estimate: 1s"), ("b", ["a"], "estimate: 1s"), ("c", ["a"], "estimate: 1s")]))
        let outcome = JobValidation.plan(path: path, kernels: KernelCatalog.builtIn)
        #expect(outcome.exitStatus == 0)
        #expect(outcome.output.contains("  level 1: b, c"))
        #expect(outcome.output.contains("critical path: a -> b = 2.000 s"))
        #expect(outcome.output.contains("best possible speedup: 1.500 (total work ÷ critical path)"))
    }
}
