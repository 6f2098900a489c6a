import MPIBatchCore

/// How busy a node's GPUs were: the seconds × devices its ranks' `gpus:` tasks held, over the
/// run's wall time × its devices. In `summary.json` (`gpu_occupancy`) and, as a note, in the text
/// summary and the report page.
package struct GPUOccupancy: Sendable, Equatable, Encodable {
    /// The node.
    package var host: String
    /// Its devices (`gpus` in the file).
    package var devices: Int
    /// Seconds × devices held by its tasks.
    package var gpuSeconds: Double
    /// `gpuSeconds` over the part's wall time × `devices` (0 to 1).
    package var occupancy: Double

    enum CodingKeys: String, CodingKey { case host, devices = "gpus", gpuSeconds = "gpu_seconds", occupancy }

    /// `GPU occupancy on n1: 62% of 4 GPUs (9.8 GPU-seconds)`.
    package var line: String {
        "GPU occupancy on \(host): \(Int((occupancy * 100).rounded()))% of \(devices) GPUs (\(NumberText.fixed(gpuSeconds, digits: 1)) GPU-seconds)"
    }
}

extension RunSummary {
    /// Each node's occupancy, its devices from `devicesPerHost` (nodes in the order of their first rank);
    /// empty when no task held a GPU.
    package func gpuOccupancy(devicesPerHost: [String: Int]) -> [GPUOccupancy] {
        guard !gpuSecondsPerRank.isEmpty else { return [] }
        let wall = partWallSeconds
        return HostGroups.of(ranks.map(\.host)).compactMap { group in
            guard let devices = devicesPerHost[group.host], devices > 0 else { return nil }
            let held = group.ranks.reduce(0) { $0 + (gpuSecondsPerRank.indices.contains($1) ? gpuSecondsPerRank[$1] : 0) }
            return GPUOccupancy(
                host: group.host, devices: devices, gpuSeconds: held, occupancy: wall > 0 ? held / (wall * Double(devices)) : 0)
        }
    }
}
