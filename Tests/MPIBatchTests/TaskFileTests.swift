import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchWorkloads
@testable import MPIBatchJob

/// Plain task files: disBatch's directives with disBatch's meaning, mpibatch's own, and their hostile cases.
@Suite struct TaskFileTests {
    private func commands(_ text: String) throws -> [String] {
        let (_, sweep) = try loadSweep(text, named: "tasks.txt")
        return (0..<sweep.taskCount).map { sweep.space.value(of: 1, at: $0).description }
    }

    @Test func prefixSuffixAndRepeatExpandAsDisBatchDoes() throws {
        let text = """
            #DISBATCH PREFIX ( cd /tmp ; 
            #DISBATCH SUFFIX  ) &> log-${DISBATCH_TASKID}.txt
            echo one
            #DISBATCH REPEAT 3 start 100 step 50 echo r$DISBATCH_REPEAT_INDEX
            #DISBATCH PREFIX 
            #DISBATCH SUFFIX 
            echo plain {index} ${index} {{index}}
            #DISBATCH REPEAT 0 echo never

            """
        #expect(try commands(text + "#DISBATCH PREFIX x=\n#DISBATCH REPEAT 2\n") == [
            "( cd /tmp ; echo one ) &> log-${DISBATCH_TASKID}.txt",
            "( cd /tmp ; echo r$DISBATCH_REPEAT_INDEX ) &> log-${DISBATCH_TASKID}.txt",
            "( cd /tmp ; echo r$DISBATCH_REPEAT_INDEX ) &> log-${DISBATCH_TASKID}.txt",
            "( cd /tmp ; echo r$DISBATCH_REPEAT_INDEX ) &> log-${DISBATCH_TASKID}.txt",
            "echo plain 4 ${index} {{index}}",
            "x=", "x=",
        ].map { $0 })
        let (_, sweep) = try loadSweep(text, named: "tasks.txt")
        var json = JSONWriter()
        sweep.space.writeParameters(of: 2, to: &json)
        #expect(json.string == #"{"line":4,"command":"( cd /tmp ; echo r$DISBATCH_REPEAT_INDEX ) &> log-${DISBATCH_TASKID}.txt","repeat_index":150}"#)
        #expect(sweep.task.environment.map(\.name) == ["DISBATCH_TASKID", "DISBATCH_STREAM_INDEX", "DISBATCH_REPEAT_INDEX", "DISBATCH_NAMETASKS"])
    }

    @Test func everyBadDirectiveIsRefusedAtItsLineAndColumn() {
        let text = """
            echo ok
            #DISBATCH REPEAT x echo hi
            #DISBATCH REPEAT 3 start -1 echo
            #DISBATCH REPEAT 200000000 echo
            #DISBATCH REPEAT 2
            #DISBATCH BARRIER
            #DISBATCH BARRIER CHECK
            #DISBATCH PERENGINE START hostname
            #DISBATCH PREFIXX a
              #DISBATCH PREFIX a
            #disbatch prefix a
            #MPIBATCH cores=0
            #MPIBATCH threads=2
            #MPIBATCH
            #MPIBATCH shell=sh

            """
        let problems = jobProblems(text, named: "tasks.txt")
        #expect(problems.count == 14)
        #expect(problems[0] == "2:18: REPEAT's count must be a whole number ≥ 0, not 'x'")
        #expect(problems[1] == "3:26: REPEAT's start must be a whole number ≥ 0, not '-1'")
        #expect(problems[2].hasPrefix("4:11: REPEAT 200000000 is over 100000000 tasks"))
        #expect(problems[3] == "5:1: REPEAT without a command needs a #DISBATCH PREFIX or SUFFIX to run")
        #expect(problems[4].hasPrefix("6:11: #DISBATCH BARRIER is not supported"))
        #expect(problems[5].hasPrefix("7:11: #DISBATCH BARRIER is not supported"))
        #expect(problems[6].hasPrefix("8:11: #DISBATCH PERENGINE is not supported"))
        #expect(problems[7].hasPrefix("9:11: unknown #DISBATCH directive 'PREFIXX'") && problems[7].contains("did you mean 'PREFIX'?"))
        #expect(problems[8].hasPrefix("10:3: '#DISBATCH' must be upper case and start the line"))
        #expect(problems[9].hasPrefix("11:1: '#disbatch' must be upper case"))
        #expect(problems[10] == "12:17: cores must be a whole number ≥ 1, not '0'")
        #expect(problems[11].hasPrefix("13:11: unknown #MPIBATCH setting 'threads'"))
        #expect(problems[12] == "14:1: #MPIBATCH needs a setting: cores=N or shell=PROGRAM")
        #expect(problems[13] == "15:17: shell= applies to the whole file: set it once, before the first task")
        #expect(jobProblems("#MPIBATCH shell=/no/such/shell\necho a\n", named: "t.txt") == ["1:17: shell '/no/such/shell' is not an executable file"])
        #expect(jobProblems("#DISBATCH REPEAT 0 echo\n", named: "t.txt").first?.hasPrefix("1:1: task file has no commands") == true)
    }

    @Test func coresAndShellApplyToTheLinesAfterThem() throws {
        let (job, sweep) = try loadSweep("#MPIBATCH shell=sh\necho a\n#MPIBATCH cores=3\necho b\necho c\n#MPIBATCH cores=1\necho d\n", named: "t.txt")
        #expect((0..<4).map { sweep.task.cores.count(at: $0, in: sweep.space) } == [1, 3, 3, 1])
        #expect(sweep.task.cores.largest == 3)
        #expect(sweep.task.cores.place.hasSuffix("t.txt:3:17"))
        #expect(sweep.task.shellProgram == "sh")
        let workload = try SweepWorkload(job: job)
        #expect(workload.describeTask(0).hasSuffix("sh -c echo a"))
        #expect(workload.widestTask.cores == 3)
    }

    @Test func aYAMLJobWithoutItsExtensionIsRefusedAtEachJobKey() {
        let text = "name: heat-sweep\nsweep:\n  grid: {n: [1, 2]}\ntask:\n  shell: \"echo {n}\"\nstages:\nmontecarlo:\tx\n"
        let problems = jobProblems(text, named: "heat")
        #expect(problems.map { String($0.prefix(while: { $0 != " " })) } == ["1:1:", "2:1:", "4:1:", "6:1:", "7:1:"], "\(problems)")
        #expect(problems.first == "1:1: 'name:' looks like a YAML job's key, but this file is read as a task file (one shell "
            + "command per line): a job file's name must end in .yaml, .yml or .json")
        #expect(jobProblems("echo name: x\nnamed:x\nname:x\n  task: y\n", named: "tasks.txt").isEmpty)
    }

    @Test func windowsLineEndingsAndEveryKindOfSpaceAtTheEndsAreReadAsBefore() throws {
        // "\r\n" is one Character: a file with Windows line endings used to be one task.
        #expect(try commands("echo a\r\necho b\r\n\r\n# note\r\necho 'c\rd'\r\n") == ["echo a", "echo b", "echo 'c\rd'"])
        // Tabs and Unicode's spaces (no-break, em, ideographic) at either end go, as Foundation's trimming had it.
        #expect(try commands("\t echo a \t\n\u{00A0}echo b\u{2003}\n\u{3000}\n echo é\u{00A0}\n") == ["echo a", "echo b", "echo é"])
        #expect(TaskFileParser.trimmingWhitespace("plain") == "plain")
        #expect(TaskFileParser.trimmingWhitespace(" \t") == "")
        #expect(TaskFileParser.trimmingWhitespace("") == "")
        #expect(jobProblems("task:\r\n", named: "tasks").count == 1)
    }
}
