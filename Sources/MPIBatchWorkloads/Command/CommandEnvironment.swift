#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `NAME=value` C strings every command of a sweep inherits, made once rather
/// than copied for each of what may be millions of spawns.
///
/// `@unchecked Sendable` is safe: the strings are written once, in `init`, and only
/// read afterwards (passed to `posix_spawn`, which copies them); `deinit` frees them
/// when no task can hold a reference any more.
final class CommandEnvironment: @unchecked Sendable {
    /// The strings, for `envp`; without the terminating nil.
    let pointers: [UnsafeMutablePointer<CChar>?]

    /// `variables` as C strings.
    init(_ variables: [String]) {
        pointers = variables.map { strdup($0) }
    }

    deinit {
        for pointer in pointers { free(pointer) }
    }
}
