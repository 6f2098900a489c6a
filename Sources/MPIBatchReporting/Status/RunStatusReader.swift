import Foundation
import MPIBatchCore

/// Reads `status.json` of a run directory from any shell that sees it (a login node on a
/// shared file system included): no MPI, no journal, no lock.
public enum RunStatusReader {
    /// The status file's name in a run directory.
    public static let fileName = "status.json"

    /// The status of the run in `directory` as its writer last wrote it.
    public static func read(directory: String) throws(RunFileError) -> RunStatus {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunFileError(path: directory, reason: "no such directory")
        }
        return try ReportCoding.read(
            RunStatus.self, from: directory + "/" + fileName,
            missing: "no such file: not a run directory (or a run of an mpibatch before `status`: see `mpibatch report`)")
    }

    /// The status of the run in `directory`, judged: a run that says `running` is read again
    /// until its sequence number moves (it is running), it ends, or `StatusWatch` finds it
    /// lost (its writer gone: the number stood still for several periods on this clock). A
    /// writer on this node whose process lives is running without waiting.
    public static func observe(directory: String) throws(RunFileError) -> RunStatus {
        var watch = StatusWatch()
        let first = watch.judge(try read(directory: directory))
        guard first.state == .running, !watch.isLocalAndAlive(first) else { return first }
        while true {
            Thread.sleep(forTimeInterval: min(0.25, first.periodSeconds / 4))
            let status = watch.judge(try read(directory: directory))
            if status.state != .running || status.sequence != first.sequence { return status }
        }
    }
}
