import Foundation

/// The values `mpibatch run`'s numeric options may take. Each check returns the
/// problem as one line naming the option, or nil when the value is fine, so the
/// command line can refuse it (exit 2) before any rank starts work.
public enum RunOptionBounds {
    /// The most slots a rank may have: 4096, or 64 per core on a bigger node.
    /// More would only queue tasks (and processes) that cannot run.
    public static func maximumSlots(cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        max(4096, 64 * cores)
    }

    /// `--slots N`: from 1 to `maximumSlots(cores:)`.
    public static func slotsProblem(_ slots: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> String? {
        let most = maximumSlots(cores: cores)
        guard (1...most).contains(slots) else { return "--slots must be from 1 to \(most) on this node, got \(slots)" }
        return nil
    }

    /// The longest time any option may give, in seconds: 10⁸ (about 3 years). Times become
    /// whole nanoseconds (UInt64) where they are waited for, which 10⁸ s leaves far from overflow.
    public static let longestSeconds = 1e8

    /// `--grace S`: from 0 to `longestSeconds`.
    public static func graceProblem(_ seconds: Double) -> String? {
        guard seconds.isFinite, (0...longestSeconds).contains(seconds) else {
            return "--grace must be a number of seconds from 0 to \(Int(longestSeconds)), got \(seconds)"
        }
        return nil
    }

    /// `--heartbeat-timeout S`: more than 0, at most `longestSeconds`.
    public static func heartbeatTimeoutProblem(_ seconds: Double) -> String? {
        guard seconds.isFinite, seconds > 0, seconds <= longestSeconds else {
            return "--heartbeat-timeout must be a number of seconds more than 0 and at most \(Int(longestSeconds)), got \(seconds)"
        }
        return nil
    }

    /// `--deadline`: a duration or time that `DeadlineParser` reads and that lies in the future.
    public static func deadlineProblem(_ text: String, now: Date) -> String? {
        guard let seconds = DeadlineParser.seconds(from: text, now: now) else {
            if let number = Double(text.trimmingCharacters(in: CharacterSet(charactersIn: "0123456789.+-").inverted)), number <= 0 {
                return "--deadline must be more than 0, got '\(text)'"
            }
            return "--deadline '\(text)' is neither a duration (90s, 45m, 2h) nor a time (HH:MM, YYYY-MM-DDTHH:MM:SS)"
        }
        guard seconds.isFinite, seconds > 0 else { return "--deadline '\(text)' is in the past" }
        guard seconds <= longestSeconds else {
            return "--deadline '\(text)' is more than \(Int(longestSeconds)) s away (about 3 years)"
        }
        return nil
    }
}
