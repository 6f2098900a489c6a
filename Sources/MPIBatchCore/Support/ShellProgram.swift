import Foundation

/// The shell that runs `shell:` lines and task-file lines: what `shell_program:`
/// (or a task file's `#MPIBATCH shell=`) names, else bash where it is installed
/// (what disBatch and the TACC launcher use), else `/bin/sh`.
package enum ShellProgram {
    /// `program`'s path: itself when it holds a `/`, else the first executable of that
    /// name on `PATH`; nil when there is none.
    package static func locate(_ program: String, searchPath: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        guard !program.isEmpty else { return nil }
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        let directories = (searchPath ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return directories.lazy.map { $0 + "/" + program }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The default shell, and a note for the user when it is not bash.
    package static let standard: (path: String, note: String?) = {
        if let bash = locate("bash") ?? ["/bin/bash", "/usr/bin/bash"].first(where: FileManager.default.isExecutableFile) {
            return (bash, nil)
        }
        return ("/bin/sh", "bash is not installed here: shell tasks run with /bin/sh (set shell_program: to choose another)")
    }()

    /// The shell a task spec asks for: its `shell_program:` (by path when found), else the default.
    package static func path(for requested: String?) -> String {
        guard let requested else { return standard.path }
        return locate(requested) ?? requested
    }
}
