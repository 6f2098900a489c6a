import Foundation
import Synchronization
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchJournal
@testable import MPIBatchReporting
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

@Suite struct GPUDiscoveryTests {
    @Test func theAllocationsListsComeInTheirOrder() throws {
        let never: () -> String? = { Issue.record("nvidia-smi asked"); return nil }
        let cuda = try GPUDiscovery.inherited(environment: ["CUDA_VISIBLE_DEVICES": "2, 3"], override: nil, listDevices: never)
        #expect(cuda == GPUList(devices: ["2", "3"], vendor: .nvidia, source: "CUDA_VISIBLE_DEVICES"))
        let rocr = try GPUDiscovery.inherited(environment: ["ROCR_VISIBLE_DEVICES": "0,1"], override: nil, listDevices: never)
        #expect(rocr.vendor == .amd && rocr.devices == ["0", "1"])
        let given = try GPUDiscovery.inherited(environment: ["CUDA_VISIBLE_DEVICES": "0"], override: "4,5", listDevices: never)
        #expect(given.devices == ["4", "5"] && given.source == "--gpus")
        // SLURM_JOB_GPUS holds physical indices: counted only, the job's devices numbered from 0.
        let slurm = try GPUDiscovery.inherited(environment: ["SLURM_JOB_ID": "7", "SLURM_JOB_GPUS": "4,6"], override: nil, listDevices: never)
        #expect(slurm.devices == ["0", "1"])
        // Inside an allocation nvidia-smi lists other jobs' GPUs: never asked.
        let none = try GPUDiscovery.inherited(environment: ["SLURM_JOB_ID": "7"], override: nil, listDevices: never)
        #expect(none.devices.isEmpty && none.source.contains("looked at --gpus, CUDA_VISIBLE_DEVICES"))
        #expect(try GPUDiscovery.inherited(environment: ["CUDA_VISIBLE_DEVICES": ""], override: nil, listDevices: never).devices.isEmpty)
    }

    @Test func nvidiaSMIIsAskedOutsideAnAllocationOnly() throws {
        let listing = """
            GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-aaaa)
            GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-bbbb)
            """
        #expect(try GPUDiscovery.inherited(environment: [:], override: nil) { listing }.devices == ["0", "1"])
        let mig = """
            GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-aaaa)
              MIG 1g.5gb      Device  0: (UUID: MIG-1111)
              MIG 1g.5gb      Device  1: (UUID: MIG-2222)
            """
        let found = try GPUDiscovery.inherited(environment: [:], override: nil) { mig }
        #expect(found.devices == ["MIG-1111", "MIG-2222"] && found.isMIG)
    }

    @Test func aDeviceListedTwiceIsRefused() {
        #expect(throws: GPUListError.self) { try GPUDiscovery.inherited(environment: [:], override: "0,1,1") }
        #expect(throws: GPUListError.self) { try GPUDiscovery.inherited(environment: ["CUDA_VISIBLE_DEVICES": "3,3"], override: nil) }
    }

    @Test func aNodesPoolIsTheUnionOfItsRanksLists() {
        let lists = ["0", "1", "0,1", ""].map { try! GPUDiscovery.parse($0, vendor: .nvidia, source: "CUDA_VISIBLE_DEVICES") }
        #expect(GPUDiscovery.union(lists).devices == ["0", "1"])
    }
}

@Suite struct ResourceFitTests {
    private func node(_ host: String, gpus: [String], memory: Int = 8 << 30) -> NodeResources {
        NodeResources(host: host, gpus: GPUList(devices: gpus, vendor: .nvidia, source: "CUDA_VISIBLE_DEVICES"), memoryBytes: memory, memorySource: "MemTotal")
    }

    @Test func anAskThatSomeNodeCannotRunIsRefusedByPlaceAndCount() {
        let ask = TaskResources(gpus: 3, memoryBytes: 0, gpusPlace: "job.yaml:5:9", memoryPlace: "")
        #expect(ResourceFit.problem(widest: ask, nodes: [node("n1", gpus: ["0", "1", "2", "3"])]) == nil)
        let problem = ResourceFit.problem(widest: ask, nodes: [node("n1", gpus: ["0", "1", "2", "3"]), node("n2", gpus: ["0", "1"])])
        #expect(problem?.hasPrefix("job.yaml:5:9: a task of gpus: 3 does not fit n2, which has 2") == true)
        let bare = ResourceFit.problem(widest: ask, nodes: [node("n1", gpus: [])])
        #expect(bare?.contains("no GPU is visible on n1") == true)
        let mig = TaskResources(gpus: 2, memoryBytes: 0, gpusPlace: "j:1:1", memoryPlace: "")
        #expect(ResourceFit.problem(widest: mig, nodes: [node("n1", gpus: ["MIG-a", "MIG-b"])])?.contains("one MIG instance") == true)
        let memory = TaskResources(gpus: 0, memoryBytes: 9 << 30, gpusPlace: "", memoryPlace: "j:2:3")
        #expect(ResourceFit.problem(widest: memory, nodes: [node("n1", gpus: [])])?.hasPrefix("j:2:3: memory: 9 GiB is more than n1") == true)
        #expect(node("n1", gpus: ["0", "1", "2", "3"], memory: 10 << 30).mostAtOnce(
            TaskResources(gpus: 1, memoryBytes: 6 << 30, gpusPlace: "", memoryPlace: "")) == 1)
    }
}

@Suite struct LedgerStateTests {
    @Test func theFirstWaiterIsServedFirstWithTheLowestFreeDevices() {
        var state = LedgerState()
        let pool = ["0", "1", "2", "3"]
        let a = state.enqueue(pid: 10, gpus: 3, memoryBytes: 0)
        #expect(state.grant(a, devices: pool, budget: 0)?.devices == ["0", "1", "2"])
        let wide = state.enqueue(pid: 11, gpus: 2, memoryBytes: 0)
        let narrow = state.enqueue(pid: 11, gpus: 1, memoryBytes: 0)
        // One device is free, but the two-GPU task waits first: the one-GPU task may not overtake it.
        #expect(state.grant(narrow, devices: pool, budget: 0) == nil)
        #expect(state.grant(wide, devices: pool, budget: 0) == nil)
        state.remove(a)
        #expect(state.grant(wide, devices: pool, budget: 0)?.devices == ["0", "1"])
        #expect(state.grant(narrow, devices: pool, budget: 0)?.devices == ["2"])
        #expect(LedgerState(text: state.text) == state)
    }

    @Test func memoryAsksAddUpToTheBudget() {
        var state = LedgerState()
        let budget = 10 << 30
        let first = state.enqueue(pid: 1, gpus: 0, memoryBytes: 6 << 30)
        let second = state.enqueue(pid: 1, gpus: 0, memoryBytes: 6 << 30)
        #expect(state.grant(first, devices: [], budget: budget) != nil)
        #expect(state.grant(second, devices: [], budget: budget) == nil)
        state.remove(first)
        #expect(state.grant(second, devices: [], budget: budget)?.memoryBytes == 6 << 30)
    }

    @Test func aGoneProcessGivesItsHoldsBack() {
        var state = LedgerState()
        let held = state.enqueue(pid: 99, gpus: 2, memoryBytes: 0)
        _ = state.grant(held, devices: ["0", "1"], budget: 0)
        let waiting = state.enqueue(pid: 7, gpus: 2, memoryBytes: 0)
        #expect(state.grant(waiting, devices: ["0", "1"], budget: 0) == nil)
        state.purge { $0 != 99 }
        #expect(state.grant(waiting, devices: ["0", "1"], budget: 0)?.devices == ["0", "1"])
        // A torn line (a rank killed mid-write) is dropped, the rest read.
        #expect(LedgerState(text: state.text + "hold 5 9\n") == state)
    }
}

@Suite struct GPUTaskRunTests {
    /// Tasks of `gpus: per` that note the devices they held and when.
    /// What the tasks saw.
    final class Seen: Sendable {
        let tasks = Mutex<[(devices: [String], start: UInt64, end: UInt64)]>([])
    }

    struct DeviceWorkload: Workload {
        let taskCount: Int
        let per: Int
        let seen = Seen()

        func writeParameters(of index: Int, to json: inout JSONWriter) {
            json.beginObject()
            json.endObject()
        }

        func resources(of index: Int) -> TaskResources { largestResources }
        var largestResources: TaskResources { TaskResources(gpus: per, memoryBytes: 0, gpusPlace: "test", memoryPlace: "") }

        func run(_ task: TaskContext) async throws -> TaskValue {
            let start = MonotonicClock.nanoseconds()
            try await Task.sleep(nanoseconds: 30_000_000)
            let end = MonotonicClock.nanoseconds()
            seen.tasks.withLock { $0.append((task.grant?.devices ?? [], start, end)) }
            return .none
        }
    }

    @Test(arguments: [1, 2]) func twoRanksShareTheirNodesDevicesAndNeverTheSameAtOnce(per: Int) async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pool = ["0", "1", "2", "3"]
        let resources = NodeResources(
            host: "test", gpus: GPUList(devices: pool, vendor: .nvidia, source: "test"), memoryBytes: 0, memorySource: "test")
        let ledger = try NodeLedger(resources: resources, outputDirectory: directory)
        defer { ledger.remove() }
        let workload = DeviceWorkload(taskCount: 16, per: per)
        let (summary, lines) = try await runInMemory(workload, ranks: 2, slots: 4, directory: directory, ledger: ledger)
        #expect(summary.tasksSucceeded == 16)
        let seen = workload.seen.tasks.withLock { $0 }
        #expect(seen.count == 16)
        for task in seen { #expect(task.devices.count == per && Set(task.devices).count == per && Set(task.devices).isSubset(of: pool)) }
        for (i, a) in seen.enumerated() {
            for b in seen[(i + 1)...] where a.start < b.end && b.start < a.end {
                #expect(Set(a.devices).isDisjoint(with: b.devices))
            }
        }
        var most = 0
        for task in seen { most = max(most, seen.filter { $0.start <= task.start && task.start < $0.end }.count) }
        #expect(most == pool.count / per)
        // The journal records each task's devices.
        #expect(lines.allSatisfy { ($0["gpus"] as? String)?.split(separator: ",").count == per })
    }

    @Test func devicesTravelWithTheRecordAndOnlyThen() throws {
        var record = TaskRecord(index: 3, attempt: 1, status: .failed, rank: 1, slot: 2, start: 0, seconds: 1, value: .none, error: "x")
        let plain = RuntimeMessage.results(slot: 2, records: [record], wantsMore: false)
        record.gpus = "MIG-1111,2"
        let message = RuntimeMessage.results(slot: 2, records: [record], wantsMore: false)
        #expect(try RuntimeMessage(decoding: message.encoded(), from: 1) == message)
        #expect(message.encoded().count == plain.encoded().count + 4 + "MIG-1111,2".utf8.count)
    }
}

@Suite struct ResourceParsingTests {
    @Test func countsAndSizesAreCheckedWhereTheyAreWritten() {
        #expect(jobProblems("task: {shell: 'true', gpus: -1}\n") == ["1:29: gpus must be at least 1, not -1 (leave gpus: out for none)"])
        #expect(jobProblems("task: {shell: 'true', gpus: 1.5}\n") == ["1:29: gpus must be a whole number such as 1 or 2, not '1.5'"])
        #expect(jobProblems("task: {shell: 'true', memory: 512KiB}\n") == ["1:31: memory '512KiB' is below 1 MiB, the least a task may ask for"])
        #expect(jobProblems("task: {shell: 'true', memory: -4G}\n").first?.hasPrefix("1:31: memory must be a size such as 512MiB") == true)
        #expect(jobProblems("task: {kernel: noop, gpus: 1}\n").first?.hasPrefix("1:22: gpus: applies to command: and shell: tasks only") == true)
    }

    @Test func aStageAsksForItsOwnTasks() throws {
        let path = writeJobFile("""
            stages:
              - {name: a, shell: 'true', gpus: 2}
              - {name: b, shell: 'true', memory: 3GiB, after: [a]}
            """)
        let job = try JobLoader.load(path: path, kernels: KernelCatalog.builtIn)
        #expect(job.largestResources.gpus == 2 && job.largestResources.memoryBytes == 3 << 30)
        #expect(job.largestResources.gpusPlace.hasSuffix(":2:36"))
    }
}

@Suite struct MemoryWatchdogTests {
    @Test func aGroupOverItsMemoryIsKilledAndSaysHowMuch() async throws {
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python else { return }  // the unit tests' machine installs python3 (make deps-unit-test)
        let allocate = "import time; b = b'x' * (200 << 20); time.sleep(10)"
        let process = CommandProcess(
            command: .init(program: python, arguments: [python, "-c", allocate], inherited: CommandEnvironment([]), environment: []),
            direct: nil, workingDirectory: nil, output: .captured(limit: 1024), timeout: 60, memoryLimit: 50 << 20)
        let finished = try await process.run()
        guard case .overMemory(let used, let signal, _) = finished.ending else {
            Issue.record("ended \(finished.ending), not over its memory")
            return
        }
        #expect(used > 50 << 20 && signal == SIGKILL)
        let failure = CommandFailure.overMemory(program: "python3", usedBytes: 150 << 20, limitBytes: 100 << 20, stderrTail: "")
        #expect(failure.description == "'python3' went over its memory: used 150 MiB (PSS) of its memory: 100 MiB, 50 MiB over; ended (SIGKILL)")
    }

    @Test func aGroupWithinItsMemoryRunsAsBefore() async throws {
        let process = CommandProcess(
            command: .init(program: "/bin/sh", arguments: ["sh", "-c", "sleep 0.3"], inherited: CommandEnvironment([]), environment: []),
            direct: nil, workingDirectory: nil, output: .captured(limit: 1024), timeout: 60, memoryLimit: 64 << 20)
        #expect(try await process.run().ending == .exited(0))
    }
}

@Suite struct GPUOccupancyTests {
    @Test func gpuSecondsAreSecondsTimesDevicesPerRank() {
        var statistics = RunStatistics(slotsPerRank: [2, 2], retries: { _ in 0 })
        var plain = TaskRecord(index: 0, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: 5, value: .none, error: nil)
        statistics.add([plain])
        #expect(statistics.gpuSeconds.isEmpty)  // no GPU task: nothing kept
        plain.gpus = "0,1"
        plain.rank = 1
        statistics.add([plain])
        #expect(statistics.gpuSeconds == [0, 10])
        let occupancy = GPUOccupancy(host: "n1", devices: 4, gpuSeconds: 10, occupancy: 0.625)
        #expect(occupancy.line == "GPU occupancy on n1: 63% of 4 GPUs (10.0 GPU-seconds)")
    }
}
