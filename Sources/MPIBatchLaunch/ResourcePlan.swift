import Foundation
import MPIBatchCore
import MPIBatchJob
import MPIBatchRuntime

/// What `plan` and `validate` say of a job's `gpus:` and `memory:` against the node they run on:
/// the asks, this node's pools and how many such tasks it runs at once. `validate` refuses an ask
/// this node cannot satisfy only where the node is the run's (inside an allocation, or with GPUs
/// visible here); elsewhere (a login node) the run checks every node at its start.
package enum ResourcePlan {
    /// The plan's lines and, when the ask is known not to fit, the problem; nothing for a job that asks for neither.
    package static func check(
        _ job: JobSpec, environment: [String: String] = ProcessInfo.processInfo.environment, override: String? = nil
    ) -> (lines: [String], problem: String?) {
        let widest = job.largestResources
        guard let asked = widest.planText else { return ([], nil) }
        var lines = ["resources: " + asked + " (largest ask of any task or stage)"]
        let inAllocation = environment["SLURM_JOB_ID"] != nil
        let gpus: GPUList
        do {
            gpus = try GPUDiscovery.inherited(environment: environment, override: override)
        } catch {
            return (lines, "\(error)")
        }
        let allocation = NodeMemory.allocation(environment: environment)
        let here = NodeResources(
            host: HostName.current(), gpus: gpus,
            memoryBytes: max(0, (allocation?.bytes ?? 0) - NodeMemory.ownResidentBytes()),
            memorySource: allocation?.source ?? "nothing")
        var known: [String] = []
        if widest.gpus > 0 {
            known.append(gpus.devices.isEmpty ? "no GPUs visible (\(gpus.source))" : "\(gpus.devices.count) GPUs from \(gpus.source)")
        }
        if widest.memoryBytes > 0 {
            known.append("\(TaskResources.bytesText(here.memoryBytes)) for tasks from \(here.memorySource)")
        }
        let most = here.mostAtOnce(widest).map { ": at most \($0) such tasks at once per node like it" } ?? ""
        lines.append("this node: " + known.joined(separator: ", ") + most)
        // Only where this node is the run's can its pools refuse the job.
        var judged = widest
        if !(inAllocation || !gpus.devices.isEmpty) { judged.gpus = 0 }
        let memoryKnown = environment[NodeMemory.variable] != nil || environment["SLURM_MEM_PER_NODE"] != nil
        if !memoryKnown { judged.memoryBytes = 0 }
        if judged != widest { lines.append("checked again at the run's start against every node's GPUs and memory") }
        return (lines, ResourceFit.problem(widest: judged, nodes: [here]))
    }
}
