#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which process groups still have a member running: `kill(-group, 0)` also finds members
/// that have exited and wait to be reaped, and an orphan's zombie waits for init, which in a
/// container may reap it a second or more later, or never (a persistent worker's child, such
/// as Python's multiprocessing resource tracker under dbt, outlives the worker by a moment
/// and is orphaned). Waiting for such a group ends nothing: it counts as ended.
enum ProcessTable {
    /// The groups of `groups` with a member that has not exited. On Linux from `/proc`, in
    /// one pass; elsewhere, or when `/proc` cannot be read, those with any member left at all.
    static func running(_ groups: Set<pid_t>) -> Set<pid_t> {
        let left = groups.filter { kill(-$0, 0) == 0 }
        #if os(Linux)
        guard !left.isEmpty, let directory = opendir("/proc") else { return left }
        defer { closedir(directory) }
        var running: Set<pid_t> = []
        while let entry = readdir(directory) {
            let pid = withUnsafeBytes(of: entry.pointee.d_name) { name in
                pid_t(String(decoding: name.prefix { $0 != 0 }, as: UTF8.self))
            }
            guard let pid, let (state, group) = stat(of: pid), left.contains(group), state != "Z", state != "X" else { continue }
            running.insert(group)
        }
        return running
        #else
        return left
        #endif
    }

    #if os(Linux)
    /// The state letter and process group of `pid` from `/proc/PID/stat` (`PID (COMM) S PPID
    /// PGRP …`, the command name in parentheses possibly holding spaces and parentheses
    /// itself); nil when it is gone or cannot be read.
    private static func stat(of pid: pid_t) -> (state: Character, group: pid_t)? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0, let end = buffer[..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(end + 1)..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 2, let state = fields[0].first, let group = pid_t(String(decoding: fields[2], as: UTF8.self)) else { return nil }
        return (Character(UnicodeScalar(state)), group)
    }
    #endif
}
