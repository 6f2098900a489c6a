import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// Kernel `args:` and `command:` arguments: every bad one reported, each at its place.
@Suite struct TaskArgumentTests {
    @Test func aMistypedKernelArgumentIsRefusedWithASuggestion() {
        #expect(jobProblems("task: {kernel: spin, args: {milisecs: 50}}\n")
            == ["1:29: kernel 'spin' has no argument 'milisecs' (it takes ms)"])
        #expect(jobProblems("task: {kernel: fail, args: {whn: 3, p: 0.5}}\n")
            == ["1:29: kernel 'fail' has no argument 'whn' (it takes when, p, ms) (did you mean 'when'?)"])
        #expect(jobProblems("task: {kernel: noop, args: {ms: 1}}\n") == ["1:29: kernel 'noop' has no argument 'ms' (it takes no arguments)"])
    }

    @Test func everyUnknownKernelArgumentIsReported() {
        let problems = jobProblems("task:\n  kernel: sleep\n  args:\n    mss: 5\n    ms: 2\n    seconds: 1\n")
        #expect(problems == [
            "4:5: kernel 'sleep' has no argument 'mss' (it takes ms) (did you mean 'ms'?)",
            "6:5: kernel 'sleep' has no argument 'seconds' (it takes ms)",
        ])
    }

    @Test func declaredArgumentsAreAcceptedAndAKernelWithoutADeclarationTakesAny() throws {
        #expect(jobProblems("sweep: {grid: {t: [1, 2]}}\ntask: {kernel: fail, args: {when: 1, p: 0.1, ms: \"{t}\"}}\n").isEmpty)
        struct Anything: Kernel {
            func run(_ arguments: KernelArguments, context: TaskContext) async throws -> TaskValue { .none }
        }
        var kernels = KernelCatalog.builtIn
        kernels.register("anything", Anything())
        #expect(kernels.taskKernelArgumentNames(of: "anything") == nil)
        let job = try JobLoader.load(path: writeJobFile("task: {kernel: anything, args: {whatever: 1}}\n"), kernels: kernels)
        #expect(job.name.isEmpty == false)
    }

    @Test func everyBadTemplateOfACommandIsReported() {
        let problems = jobProblems("task:\n  command: [echo, \"{a}\", \"{b}\"]\n")
        #expect(problems.count == 2)
        #expect(problems.first?.hasPrefix("2:20: unknown name '{a}'") == true, "\(problems)")
        #expect(problems.last?.hasPrefix("2:27: unknown name '{b}'") == true, "\(problems)")
    }
}
