import MPIBatchRuntime

/// The variables a GPU task sees its devices through: its vendor's only (`CUDA_VISIBLE_DEVICES`
/// with `CUDA_DEVICE_ORDER=PCI_BUS_ID`, or `ROCR_VISIBLE_DEVICES`), plus `MPIBATCH_GPUS`. The
/// rank's own values of every device variable are not inherited by a sweep whose tasks ask
/// for GPUs (setting both vendors' would make HIP index into what ROCr left).
enum GPUVariables {
    /// The device variables a GPU task never inherits from its rank.
    static let names: Set = [
        "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL",
        "MPIBATCH_GPUS",
    ]

    /// `NAME=value` for a task holding `grant` (none without devices); names in `overridden` (`env:`) are left to it.
    static func variables(_ grant: ResourceGrant?, overridden: Set<String>) -> [String] {
        guard let grant, !grant.devices.isEmpty else { return [] }
        let list = grant.devices.joined(separator: ",")
        var variables = [(grant.vendor.variable, list), ("MPIBATCH_GPUS", list)]
        if grant.vendor == .nvidia { variables.append(("CUDA_DEVICE_ORDER", "PCI_BUS_ID")) }
        return variables.filter { !overridden.contains($0.0) }.map { "\($0.0)=\($0.1)" }
    }
}
