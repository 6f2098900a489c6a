import Foundation

/// Durations as job files write them: `60s`, `500ms`, `2m`, `1h`, or plain seconds.
package enum DurationParser {
    /// Seconds, or nil when `text` is not a positive duration.
    package static func seconds(_ text: String) -> Double? {
        let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let unit = units.first { trimmed.hasSuffix($0.suffix) } ?? ("", 1)
        guard let number = Double(trimmed.dropLast(unit.suffix.count).trimmingCharacters(in: .whitespaces)),
            number.isFinite, number > 0
        else { return nil }
        return number * unit.scale
    }
}
