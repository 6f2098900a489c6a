#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `bash -c LINE` does to its environment before it runs a plain command line, so
/// that a program started without bash gets the same variables (their order aside).
///
/// Bash (5.2, non-interactive, no startup file) passes every inherited variable on
/// unchanged except these, which this type reproduces:
/// - `PWD`: kept when it is absolute and names the task's directory (same device and
///   inode), else the directory's physical path;
/// - `OLDPWD`: dropped unless it names a directory;
/// - `SHLVL`: set to 0 when missing (bash counts itself, then uncounts before `exec`);
/// - `_`: the program's path as bash found it.
///
/// An environment bash would treat otherwise keeps the shell (`init` returns nil): a
/// startup file (`BASH_ENV`, or `SSH_CLIENT` with a shell level below 1, which makes
/// Debian's bash read `~/.bashrc`), options or exported functions (`SHELLOPTS`, `BASHOPTS`,
/// `BASH_FUNC_…`, every name that starts with `BASH`), a variable bash rewrites or drops
/// (`IFS`, `PS1`, `PS2`, `PS4`, `PPID`, `LINENO`, `OPTIND`, `OPTERR`, `RANDOM`, `SRANDOM`,
/// `SECONDS`' kin `EPOCHSECONDS`/`EPOCHREALTIME`, `HISTCMD`, `COMP_WORDBREAKS`), a search
/// rule of its own (`EXECIGNORE`, `POSIXLY_CORRECT`), an `LC_ALL` this C library cannot
/// load (bash warns on stderr), a `SHLVL` bash would rewrite or warn about, no `PATH`, or
/// an `OLDPWD` that is relative.
struct BashStartup: Sendable {
    /// The inherited `NAME=value` strings as bash passes them on (without `PWD` and `_`, set per task).
    let inherited: [String]
    /// `PATH`, which bash searches.
    let searchPath: String
    /// The inherited `PWD`, if any.
    private let inheritedDirectory: String?
    /// The directory relative `cwd:`s start from: this process's.
    private let currentDirectory: String

    /// Names whose presence makes bash do something of its own.
    static let refused: Set<String> = [
        "SHELLOPTS", "IFS", "PS1", "PS2", "PS4", "PPID", "LINENO", "OPTIND", "OPTERR", "RANDOM", "SRANDOM", "EPOCHSECONDS",
        "EPOCHREALTIME", "HISTCMD", "COMP_WORDBREAKS", "EXECIGNORE", "POSIXLY_CORRECT",
    ]

    /// Names a task's `env:` may not set for its line to run without a shell: besides
    /// `refused` and the `BASH` names, those reproduced here from the inherited values.
    static let reproduced: Set<String> = ["PWD", "OLDPWD", "SHLVL", "_", "PATH", "LC_ALL", "SSH_CLIENT", "SSH2_CLIENT"]

    /// Whether a variable `name` (inherited or set by `env:`) makes bash behave otherwise.
    static func isRefused(_ name: String) -> Bool {
        name.hasPrefix("BASH") || refused.contains(name)
    }

    /// What bash makes of `variables` (the task's inherited environment), or nil when it
    /// would do something this type does not reproduce.
    init?(_ variables: [String: String]) {
        guard !variables.keys.contains(where: Self.isRefused), let path = variables["PATH"],
            let currentDirectory = Self.currentDirectory()
        else { return nil }
        var inherited: [String] = []
        switch variables["SHLVL"] {
        case nil:
            inherited.append("SHLVL=0")
            if variables["SSH_CLIENT"] != nil || variables["SSH2_CLIENT"] != nil { return nil }
        case let level?:
            guard let number = Int(level), number >= 0, number <= 998, String(number) == level else { return nil }
            if number == 0, variables["SSH_CLIENT"] != nil || variables["SSH2_CLIENT"] != nil { return nil }
        }
        if let locale = variables["LC_ALL"], !locale.isEmpty {
            guard let loaded = newlocale(Self.everyCategory, locale, nil) else { return nil }
            freelocale(loaded)
        }
        var oldDirectoryKept = true
        if let old = variables["OLDPWD"] {
            guard old.hasPrefix("/") else { return nil }
            oldDirectoryKept = Self.isDirectory(old)
        }
        for (name, value) in variables where name != "PWD" && name != "_" && (name != "OLDPWD" || oldDirectoryKept) {
            inherited.append("\(name)=\(value)")
        }
        self.inherited = inherited
        searchPath = path
        inheritedDirectory = variables["PWD"]
        self.currentDirectory = currentDirectory
    }

    /// `PWD` as bash sets it in `directory` (relative to this process's; nil: this process's
    /// own); nil when the directory cannot be reached (then the spawn would fail too).
    func workingDirectoryVariable(in directory: String?) -> String? {
        let path = directory.map { $0.hasPrefix("/") ? $0 : currentDirectory + "/" + $0 } ?? currentDirectory
        var target = stat()
        guard stat(path, &target) == 0 else { return nil }
        if let inheritedDirectory, inheritedDirectory.hasPrefix("/") {
            var named = stat()
            if stat(inheritedDirectory, &named) == 0, named.st_dev == target.st_dev, named.st_ino == target.st_ino {
                return inheritedDirectory
            }
        }
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// glibc's `LC_ALL_MASK` (a macro Swift does not import): one bit per category.
    #if canImport(Glibc)
    private static let everyCategory: Int32 = [
        LC_CTYPE, LC_NUMERIC, LC_TIME, LC_COLLATE, LC_MONETARY, LC_MESSAGES, LC_PAPER, LC_NAME, LC_ADDRESS, LC_TELEPHONE,
        LC_MEASUREMENT, LC_IDENTIFICATION,
    ].reduce(0) { $0 | (1 << $1) }
    #else
    private static let everyCategory = LC_ALL_MASK
    #endif

    private static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    private static func currentDirectory() -> String? {
        guard let directory = getcwd(nil, 0) else { return nil }
        defer { free(directory) }
        return String(cString: directory)
    }
}
