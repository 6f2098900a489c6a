// Micro-benchmarks behind bench/run: MPI ping-pong latency and the journal's
// line-formatting rate, reading a journal for --resume, and rank 0's
// scheduling capacity with simulated ranks (no MPI), and rank 0 at scale by discrete-event
// simulation (simulated nodes and clock, the real coordinator and messages).
// Usage: mpibatch-bench pingpong | journal [lines] | resume FILE TASKS | coordinator RANKS SLOTS TASKS [POLICY]
//        | simulate NODES RANKS_PER_NODE SLOTS TASK_MS WORK_S [POLICY]
import Foundation
import MPIBatch
import SwiftMPI

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "pingpong":
    try MPIEnvironment.initialize(requesting: .serialized)
    let world = try Communicator.world()
    guard world.size == 2 else { fatalError("pingpong needs mpirun -np 2") }
    let message = [UInt8](repeating: 1, count: 16)
    func bounce(_ rounds: Int) throws {
        for _ in 0..<rounds {
            if world.rank == 0 {
                try world.send(message, to: 1, tag: 1)
                _ = try world.receive(from: 1, tag: 1)
            } else {
                _ = try world.receive(from: 0, tag: 1)
                try world.send(message, to: 0, tag: 1)
            }
        }
    }
    let rounds = 20_000
    try bounce(1000)  // warm-up
    try world.barrier()
    let started = MPIEnvironment.wtime()
    try bounce(rounds)
    let elapsed = MPIEnvironment.wtime() - started
    if world.rank == 0 { print("pingpong_one_way_microseconds=\(elapsed / Double(rounds) / 2 * 1e6)") }
    try MPIEnvironment.finalize()
case "journal":
    let lines = Int(arguments.dropFirst().first ?? "") ?? 2_000_000
    let spec = try JobLoader.load(path: "jobs/spin.yaml", kernels: KernelCatalog.builtIn)
    let workload = try WorkloadFactory.makeWorkload(for: spec, kernels: .builtIn, outputDirectory: "/tmp")
    let started = MonotonicClock.nanoseconds()
    let bytes = JournalBenchmark.formatLines(lines, workload: workload)
    let seconds = Double(MonotonicClock.nanoseconds() - started) * 1e-9
    print("journal_lines_per_second=\(Double(lines) / seconds) bytes_per_line=\(bytes / lines)")
case "resume":
    let path = String(arguments.dropFirst().first ?? "results.jsonl")
    let tasks = Int(arguments.dropFirst(2).first ?? "") ?? 0
    let started = MonotonicClock.nanoseconds()
    let read = try JournalBenchmark.readForResume(path: path, taskCount: tasks)
    let seconds = Double(MonotonicClock.nanoseconds() - started) * 1e-9
    print("resume_read_seconds=\(seconds) lines=\(read.lines) done=\(read.done) holes=\(read.holes)")
case "coordinator":
    let numbers = arguments.dropFirst().prefix(3).compactMap { Int($0) }
    guard numbers.count == 3, let policy = ChunkPolicy(rawValue: String(arguments.dropFirst(4).first ?? "auto")) else {
        Diagnostics.write("usage: mpibatch-bench coordinator RANKS SLOTS TASKS [auto|static|dynamic|guided]\n")
        exit(2)
    }
    let figures = try CoordinatorLoad.run(ranks: numbers[0], slots: numbers[1], tasks: numbers[2], policy: policy)
    print(
        "ranks=\(figures.ranks) slots=\(figures.slots) tasks=\(figures.tasks) messages=\(figures.messages)",
        "seconds=\(figures.seconds) messages_per_second=\(Int(figures.messagesPerSecond))",
        "tasks_per_second=\(Int(figures.tasksPerSecond)) tasks_per_chunk=\(figures.tasksPerChunk)",
        "peak_memory_growth_mb=\(figures.peakMemoryGrowth >> 20)")
case "simulate":
    let numbers = arguments.dropFirst().prefix(5).compactMap { Double($0) }
    guard numbers.count == 5, let policy = ChunkPolicy(rawValue: String(arguments.dropFirst(6).first ?? "auto")) else {
        Diagnostics.write("usage: mpibatch-bench simulate NODES RANKS_PER_NODE SLOTS TASK_MS WORK_S [auto|static|dynamic|guided]\n")
        exit(2)
    }
    let setup = CoordinatorSimulation.Setup(
        nodes: Int(numbers[0]), ranksPerNode: Int(numbers[1]), slotsPerRank: Int(numbers[2]), taskSeconds: numbers[3] / 1000,
        workSeconds: numbers[4], policy: policy)
    let figures = try CoordinatorSimulation.run(setup)
    print(
        "nodes=\(setup.nodes) ranks_per_node=\(setup.ranksPerNode) slots=\(setup.slotsPerRank) task_ms=\(numbers[3])",
        "policy=\(policy.rawValue) tasks=\(figures.tasks) demand_tasks_per_s=\(Int(setup.demand))",
        "served_tasks_per_s=\(Int(figures.served)) efficiency=\(figures.efficiency)",
        "simulated_s=\(figures.simulatedSeconds) rank0_cpu_s=\(figures.rankZeroCPUSeconds)",
        "rank0_core_share=\(figures.rankZeroCoreShare) rank0_cpu_per_task_us=\(figures.rankZeroCPUPerTask * 1e6)",
        "messages_in_per_s=\(Int(figures.messagesInPerSecond)) messages_in=\(figures.messagesIn) messages_out=\(figures.messagesOut)",
        "wall_s=\(figures.wallSeconds)")
default:
    Diagnostics.write("usage: mpibatch-bench pingpong | journal [lines] | resume FILE TASKS | coordinator RANKS SLOTS TASKS [POLICY] | simulate NODES RANKS_PER_NODE SLOTS TASK_MS WORK_S [POLICY]\n")
    exit(2)
}
