#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Platform {
    /// What this process has used so far (`getrusage(RUSAGE_SELF)`).
    package static func ownUsage() -> rusage { usage(Who.own) }

    /// What this process's children that ended and were waited for have used (`RUSAGE_CHILDREN`).
    package static func childrenUsage() -> rusage { usage(Who.children) }

    /// `usage`'s peak resident memory in bytes: glibc counts `ru_maxrss` in KiB, Darwin in bytes.
    package static func maxRSSBytes(_ usage: rusage) -> Int {
        #if canImport(Darwin)
        Int(usage.ru_maxrss)
        #else
        Int(usage.ru_maxrss) * 1024
        #endif
    }

    /// `getrusage`'s `who`: an enum in Swift's Glibc module, a plain `Int32` on Darwin.
    private enum Who {
        #if canImport(Glibc)
        static let own = Int32(RUSAGE_SELF.rawValue)
        static let children = Int32(RUSAGE_CHILDREN.rawValue)
        #else
        static let own = RUSAGE_SELF
        static let children = RUSAGE_CHILDREN
        #endif
    }

    private static func usage(_ who: Int32) -> rusage {
        var usage = rusage()
        getrusage(who, &usage)
        return usage
    }
}
