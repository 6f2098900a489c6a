import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A reader's judgement of `status.json`: a run whose file says `running` is `lost` when its
/// sequence number has not moved for `lostAfterPeriods` periods on the reader's own clock
/// (clocks of different hosts are never compared), or at once when rank 0 ran on the
/// reader's own node and its process is gone.
public struct StatusWatch {
    /// The last sequence number seen, and when (reader's monotonic seconds) it was first seen.
    private var lastSequence: Int?
    private var seenAt = 0.0
    private let clock: () -> Double
    /// This node's name: a writer here is asked whether it lives.
    private let localHost: String

    /// Periods without a new sequence number after which a running run is lost.
    public static let lostAfterPeriods = 4.0

    /// A watch judging on `clock` (the monotonic clock, but in tests) from node `localHost` (this one).
    public init(clock: @escaping () -> Double = MonotonicClock.seconds, localHost: String? = nil) {
        self.clock = clock
        self.localHost = localHost ?? HostName.current()
    }

    /// `status` as judged now: `lost` where its writer is gone, as it says otherwise.
    public mutating func judge(_ status: RunStatus) -> RunStatus {
        let now = clock()
        if status.sequence != lastSequence {
            lastSequence = status.sequence
            seenAt = now
        }
        guard status.state == .running else { return status }
        var judged = status
        if status.host == localHost && !Self.processLives(status.pid) {
            judged.state = .lost
        } else if now - seenAt > Self.lostAfterPeriods * max(status.periodSeconds, 0.01) {
            judged.state = .lost
        }
        return judged
    }

    /// Whether `status`'s writer is a process of this node that runs.
    func isLocalAndAlive(_ status: RunStatus) -> Bool {
        status.host == localHost && Self.processLives(status.pid)
    }

    /// Whether process `pid` of this node runs (a zombie, dead and not yet reaped, does not).
    static func processLives(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }  // no /proc: kill(2) is all there is
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }
}
