import Foundation
import MPIBatchJob

/// Reads `--deadline`: a duration from now (`90s`, `45m`, `2h`, as `timeout:` takes)
/// or a wall-clock time (`HH:MM`, the next one to come, or `YYYY-MM-DDTHH:MM:SS`).
public enum DeadlineParser {
    /// Seconds from `now` to the deadline `text` names, or nil if it names none.
    public static func seconds(from text: String, now: Date) -> Double? {
        if let duration = DurationParser.seconds(text) { return duration }
        if let end = SlurmJob.secondsUntil(endTime: text, now: now) { return end }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
            (0..<60).contains(minute)
        else { return nil }
        let calendar = Calendar.current
        guard var target = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: now) else { return nil }
        if target <= now { target = target.addingTimeInterval(86_400) }
        return target.timeIntervalSince(now)
    }
}
