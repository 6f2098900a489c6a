#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Finds a command word on `PATH` as bash does, once per distinct word: the first
/// entry `dir/word` that exists, is not a directory and is executable by this process's
/// effective ids (`eaccess`); a non-executable file or a directory of that name is passed
/// over, as bash passes it over. A relative entry (`.`, an empty one, `~/bin`) met before
/// the match gives nil (the answer would depend on the task's directory), as does a word
/// that is not found: such lines keep their shell, which reports what bash reports.
///
/// Answers are kept for the life of the rank (at most `capacity` words, then forgotten and
/// found again), so a program installed earlier on `PATH` during a run is not seen.
final class CommandSearch: Sendable {
    private let directories: [String]
    private let found = Mutex<[String: String?]>([:])
    /// The most words kept.
    static let capacity = 4096

    /// A search of `path` (a `PATH` value).
    init(path: String) {
        directories = path.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    }

    /// `word`'s path as bash would run it, or nil.
    func path(of word: String) -> String? {
        if let known = found.withLock({ $0[word] }) { return known }
        let path = search(word)
        found.withLock { found in
            if found.count >= Self.capacity { found.removeAll() }
            found[word] = path
        }
        return path
    }

    private func search(_ word: String) -> String? {
        for directory in directories {
            guard directory.hasPrefix("/") else { return nil }
            let candidate = directory.hasSuffix("/") ? directory + word : directory + "/" + word
            var status = stat()
            guard stat(candidate, &status) == 0, (status.st_mode & S_IFMT) != S_IFDIR else { continue }
            if Self.isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// Whether this process's effective ids may execute `path` (glibc's `eaccess`, as bash asks).
    static func isExecutable(_ path: String) -> Bool {
        faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0
    }
}
