/// Suggestions for misspelt names: `unknown key 'gird' (did you mean 'grid'?)`.
package enum DidYouMean {
    /// ` (did you mean 'grid'?)` when a candidate is close to `name`, else the empty string.
    package static func suffix(for name: String, among candidates: some Sequence<String>) -> String {
        let scored = candidates.map { (candidate: $0, distance: editDistance(name, $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }),
            best.distance <= max(2, name.count / 3)
        else { return "" }
        return " (did you mean '\(best.candidate)'?)"
    }

    /// Levenshtein distance between two strings, by characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
