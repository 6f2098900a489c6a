import MPIBatchCore

/// `--bind cores`: which CPUs a rank's tasks are pinned to. A rank takes its own affinity
/// mask as it starts. When the launcher bound each rank to its own cores (Open MPI's default
/// at small np, `--bind-to core`, `srun --cpu-bind=cores`), that mask is the rank's. When the
/// ranks of a node share one mask (`--bind-to none`, an unbound launch), each takes its
/// share by its place on the node (contiguous, as even as the CPUs allow), so the tasks of two
/// ranks never share a CPU. Tasks then take CPUs from that list (`CorePool`).
package enum CoreBinding {
    /// The CPUs of the rank at place `position` of the `sharers` ranks of its node, whose mask
    /// is `mask`; `shared` when all of them have the same mask. Empty when `mask` is.
    package static func share(of mask: [Int], position: Int, sharers: Int, shared: Bool) -> [Int] {
        guard shared, sharers > 1, !mask.isEmpty else { return mask }
        let lower = position * mask.count / sharers
        let upper = (position + 1) * mask.count / sharers
        return upper > lower ? Array(mask[lower..<upper]) : [mask[position % mask.count]]
    }

    /// A fingerprint of `mask` that every process computes alike (to compare masks across ranks).
    package static func fingerprint(_ mask: [Int]) -> Int64 {
        Int64(bitPattern: mask.reduce(14_695_981_039_346_656_037 as UInt64) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })
    }

    /// `0-3,8`: a CPU list as the kernel writes one.
    package static func text(_ cpus: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < cpus.count {
            var end = index
            while end + 1 < cpus.count, cpus[end + 1] == cpus[end] + 1 { end += 1 }
            parts.append(end > index ? "\(cpus[index])-\(cpus[end])" : "\(cpus[index])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
