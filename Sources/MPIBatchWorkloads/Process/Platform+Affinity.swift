import CAffinity
import MPIBatchCore

extension Platform {
    /// The CPUs the calling thread may run on, ascending; nil where the system has no CPU
    /// affinity (Darwin) or the call fails.
    package static func allowedCPUs() -> [Int]? {
        var cpus = [Int32](repeating: 0, count: 1024)
        var count = caffinity_get(&cpus, Int32(cpus.count))
        if count > Int32(cpus.count) {
            cpus = [Int32](repeating: 0, count: Int(count))
            count = caffinity_get(&cpus, Int32(cpus.count))
        }
        return count > 0 ? cpus.prefix(Int(count)).map(Int.init) : nil
    }

    /// Runs `body` with the calling thread confined to `cpus`, then gives the thread its
    /// mask back: a process `body` spawns inherits the mask as it is created, so it runs
    /// pinned from its first instruction. With `cpus` nil or empty, or where the system
    /// has no CPU affinity, `body` runs as it is.
    package static func withThreadAffinity<T>(_ cpus: [Int]?, _ body: () -> T) -> T {
        guard let cpus, !cpus.isEmpty, let old = allowedCPUs() else { return body() }
        let pinned = cpus.map(Int32.init)
        guard caffinity_set(pinned, Int32(pinned.count)) == 0 else { return body() }
        defer {
            let previous = old.map(Int32.init)
            _ = caffinity_set(previous, Int32(previous.count))
        }
        return body()
    }
}
