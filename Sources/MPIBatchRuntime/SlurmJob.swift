import Foundation

/// What the run can learn from Slurm when it runs inside a job.
package enum SlurmJob {
    /// Seconds until this Slurm job's time limit (`squeue -h -j $SLURM_JOB_ID -o %e`),
    /// or nil outside Slurm, without a limit, or when squeue does not answer.
    package static func secondsUntilEnd() -> Double? {
        guard let jobID = ProcessInfo.processInfo.environment["SLURM_JOB_ID"] else { return nil }
        let squeue = Process()
        squeue.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        squeue.arguments = ["squeue", "-h", "-j", jobID, "-o", "%e"]
        let output = Pipe()
        squeue.standardOutput = output
        squeue.standardError = FileHandle.nullDevice
        guard (try? squeue.run()) != nil else { return nil }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        squeue.waitUntilExit()
        return secondsUntil(endTime: text.trimmingCharacters(in: .whitespacesAndNewlines), now: Date())
    }

    /// Seconds from `now` to Slurm's `2026-11-23T12:34:56` (the local time zone), nil if not a time.
    static func secondsUntil(endTime: String, now: Date) -> Double? {
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = .current
        parser.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        guard let end = parser.date(from: endTime) else { return nil }
        return end.timeIntervalSince(now)
    }
}
