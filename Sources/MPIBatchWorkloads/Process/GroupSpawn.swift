import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a program as command tasks and persistent workers both need it: in a process
/// group of its own (so that timeouts and cancellation can signal everything it starts),
/// with an empty signal mask and default dispositions (a rank's own handlers and blocked
/// signals are not inherited), stdin from `/dev/null`, and the caller's own descriptors
/// (stdout, stderr, protocol sockets) set up by `descriptors`.
enum GroupSpawn {
    /// Why a program did not start.
    enum Failure: Error, Sendable {
        /// `cwd:` was asked for, but this C library cannot change directory in `posix_spawn`.
        case noChdir
        /// `posix_spawn` failed with this `errno` value.
        case spawn(Int32)

        /// The reason in words, naming `program` and, when given, the directory.
        func reason(program: String, workingDirectory: String?) -> String {
            switch self {
            case .noChdir: return "cwd: needs posix_spawn_file_actions_addchdir_np (glibc 2.29 or later)"
            case .spawn(let code):
                let reason = code == ENOENT && !program.contains("/") ? "not found on PATH" : String(cString: strerror(code))
                return reason + (workingDirectory.map { " (cwd: \($0))" } ?? "")
            }
        }
    }

    /// Spawns `program` (looked up on `PATH` unless it holds a `/`) with argv `arguments` and
    /// `inherited`'s variables followed by `own`, in `workingDirectory` if given, pinned to
    /// `cpus` when some are given (the spawning thread's affinity, which the child inherits
    /// as it is created: pinned before it runs a single instruction of the program).
    static func start(
        _ program: String, arguments: [String], inherited: CommandEnvironment, own: [String], workingDirectory: String?,
        cpus: [Int] = [], descriptors: (inout Platform.SpawnActions) -> Void
    ) -> Result<pid_t, Failure> {
        var (actions, attributes) = Platform.unsetSpawnSettings()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        descriptors(&actions)
        if let workingDirectory, !Platform.addChdir(&actions, workingDirectory) {
            return .failure(.noChdir)
        }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let ownPointers = own.map { strdup($0) }
        let envp = inherited.pointers + ownPointers + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in ownPointers { free(pointer) }
        }
        var pid: pid_t = 0
        let result = Platform.withThreadAffinity(cpus.isEmpty ? nil : cpus) {
            program.contains("/")
                ? posix_spawn(&pid, program, &actions, &attributes, argv, envp)
                : posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        }
        return result == 0 ? .success(pid) : .failure(.spawn(result))
    }
}
