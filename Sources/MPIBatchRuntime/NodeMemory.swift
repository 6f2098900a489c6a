import Foundation
import MPIBatchJob

/// The memory a node's tasks may share: its allocation's, as the first of these says —
/// `MPIBATCH_NODE_MEMORY` (a size such as `10GiB`: the user, or a test, knows better), `SLURM_MEM_PER_NODE`
/// (MiB), the cgroup's limit (v2 `memory.max` up the hierarchy, v1 `memory.limit_in_bytes`),
/// `MemTotal` — minus what the node's ranks themselves use at the start.
package enum NodeMemory {
    /// The variable that sets a node's memory for its tasks (a size such as `10GiB`).
    package static let variable = "MPIBATCH_NODE_MEMORY"

    /// The allocation's memory in bytes and where it came from; nil when nothing says.
    package static func allocation(
        environment: [String: String], readFile: (String) -> String? = readSmallFile
    ) -> (bytes: Int, source: String)? {
        if let text = environment[variable], let bytes = ByteSizeParser.bytes(text) { return (bytes, variable) }
        if let text = environment["SLURM_MEM_PER_NODE"], let mebibytes = Int(text), mebibytes > 0 {
            return (mebibytes << 20, "SLURM_MEM_PER_NODE")
        }
        if let limit = cgroupLimit(readFile: readFile) { return (limit, "the cgroup's memory limit") }
        if let total = memTotal(readFile("/proc/meminfo")) { return (total, "MemTotal") }
        return nil
    }

    /// The tightest cgroup limit above this process, if any.
    static func cgroupLimit(readFile: (String) -> String?) -> Int? {
        if let own = readFile("/proc/self/cgroup") {
            for line in own.split(separator: "\n") where line.hasPrefix("0::") {
                var path = String(line.dropFirst(3))
                var tightest: Int?
                while true {
                    if let text = readFile("/sys/fs/cgroup\(path == "/" ? "" : path)/memory.max"),
                        let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
                    {
                        tightest = min(tightest ?? limit, limit)
                    }
                    guard path != "/", !path.isEmpty else { break }
                    path = (path as NSString).deletingLastPathComponent
                }
                if let tightest { return tightest }
            }
        }
        // cgroup v1: an unlimited group says a number near Int64.max.
        if let text = readFile("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
            let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit < 1 << 50
        {
            return limit
        }
        return nil
    }

    /// `MemTotal:  16318640 kB` in bytes.
    static func memTotal(_ meminfo: String?) -> Int? {
        guard let line = meminfo?.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }) else { return nil }
        let kibibytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return kibibytes.map { $0 << 10 }
    }

    /// This process's resident memory (bytes), from `/proc/self/statm`; 0 where there is none.
    package static func ownResidentBytes() -> Int {
        guard let statm = readSmallFile("/proc/self/statm"), let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// A small file's text (a `/proc` or `/sys` file), or nil.
    package static func readSmallFile(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 1 << 16)).map { String(decoding: $0, as: UTF8.self) }
    }
}
