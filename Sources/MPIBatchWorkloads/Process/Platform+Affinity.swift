import CAffinity
import Foundation
import MPIBatchCore

extension Platform {
    /// The CPUs the thread `thread` may run on (a thread id, a process id for its main
    /// thread; 0, the default, for the calling thread), ascending; nil where the system has
    /// no CPU affinity (Darwin) or the call fails (no such thread).
    package static func allowedCPUs(of thread: pid_t = 0) -> [Int]? {
        var cpus = [Int32](repeating: 0, count: 1024)
        var count = caffinity_get_of(thread, &cpus, Int32(cpus.count))
        if count > Int32(cpus.count) {
            cpus = [Int32](repeating: 0, count: Int(count))
            count = caffinity_get_of(thread, &cpus, Int32(cpus.count))
        }
        return count > 0 ? cpus.prefix(Int(count)).map(Int.init) : nil
    }

    /// Lets every thread of this process run on `cpus` (each listed in `/proc/self/task`,
    /// until a pass finds none left to change: a thread started meanwhile inherits its
    /// creator's mask, changed or not). Threads started later inherit it from theirs.
    /// Returns false where the system has no CPU affinity or a change fails.
    package static func confineProcess(to cpus: [Int]) -> Bool {
        let wanted = cpus.map(Int32.init)
        var changed: Set<pid_t> = []
        while true {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return false }
            let threads = names.compactMap { pid_t($0) }.filter { !changed.contains($0) }
            if threads.isEmpty { return true }
            for thread in threads {
                // A thread that ended meanwhile (ESRCH) needs nothing.
                guard caffinity_set_of(thread, wanted, Int32(wanted.count)) == 0 || errno == ESRCH else { return false }
                changed.insert(thread)
            }
        }
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
