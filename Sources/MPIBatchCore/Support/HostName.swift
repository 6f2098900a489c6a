#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This machine's name, as `gethostname` gives it: what the run lock and the status file
/// record of rank 0, so that a reader on the same node can ask whether its process lives.
package enum HostName {
    /// The name, or `?` when the system does not say.
    package static func current() -> String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "?" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
