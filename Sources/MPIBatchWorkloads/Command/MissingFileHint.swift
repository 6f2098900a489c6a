import Foundation

/// The hint a failed command task gets when its stderr says a file was not found
/// (`No such file or directory`, Python's `can't open file`): most often a relative
/// path meant for another directory than the one the task ran in.
enum MissingFileHint {
    /// The phrases that mark a file that was not found.
    static let phrases = ["No such file", "can't open file"]

    /// A hint naming the task's directory and how to change it when `stderrTail` says a
    /// file was not found; nil otherwise. `workingDirectory` is nil for a task-file line,
    /// which runs where mpibatch was started.
    static func text(stderrTail: String, workingDirectory: String?) -> String? {
        guard phrases.contains(where: { stderrTail.contains($0) }) else { return nil }
        guard let workingDirectory else {
            return "the task ran in \(FileManager.default.currentDirectoryPath), where mpibatch was started;"
                + " write $MPIBATCH_JOB_DIR/NAME for a file beside the task file"
        }
        return "the task ran in \(workingDirectory), where relative paths start;"
            + " set cwd: (relative to the job file's directory) or write {job_dir}/NAME for a file beside the job file"
    }
}
