import Foundation
import Synchronization
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchLaunch
@testable import MPIBatchWorkloads

/// Where a run writes: job names that cannot leave `runs/`, a default directory of its own per
/// run, and files replaced by several processes at once.
@Suite struct OutputPathsTests {
    @Test func jobNamesFollowTheStageNameRule() throws {
        for bad in ["../escaped", "a/b", "a\\nb", "", "with space"] {
            let problems = jobProblems("name: \"\(bad)\"\ntask: {kernel: noop}\n")
            #expect(problems.first?.hasPrefix("1:7: job name '") == true, "\(bad): \(problems)")
        }
        #expect(jobProblems("name: heat-sweep_2\ntask: {kernel: noop}\n").isEmpty)
        let directory = makeJobTestDirectory()
        let job = try JobLoader.load(path: writeJobFile("echo hi\n", named: "my tasks.v2.txt", in: directory), kernels: KernelCatalog.builtIn)
        #expect(job.name == "my_tasks_v2")
    }

    @Test func theDefaultOutputDirectoryIsNewForEveryRunAndAChildOfRuns() throws {
        let parent = makeJobTestDirectory() + "/runs"
        let made = (0..<3).map { _ in MPILaunch.makeDefaultOutputDirectory(name: "same", in: parent) }
        #expect(Set(made).count == 3, "\(made)")
        for directory in made {
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue)
            #expect(URL(fileURLWithPath: directory).deletingLastPathComponent().path == parent)
        }
        let escaping = MPILaunch.makeDefaultOutputDirectory(name: "../../x", in: parent)
        #expect(URL(fileURLWithPath: escaping).deletingLastPathComponent().path == parent, "\(escaping)")
    }

    @Test func concurrentReplacementsOfOneFileAllSucceed() throws {
        let directory = makeJobTestDirectory()
        let path = directory + "/report.html"
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 5) { writer in
            for _ in 0..<40 {
                do {
                    try OutputFile.replace(path, with: Array(String(repeating: "\(writer)", count: 4096).utf8))
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.count == 4096 && Set(text).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["report.html"])
    }
}
