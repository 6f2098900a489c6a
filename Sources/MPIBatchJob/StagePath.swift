/// A path of stages as text, `a -> b -> c`: a long one (a chain of 10⁵ stages) shows its
/// first and last `shownEnds` stages around `…`, so a message or a plan stays one readable line.
package enum StagePath {
    /// Stages shown at each end of a long path.
    package static let shownEnds = 6

    /// `names` joined by ` -> `, the middle of a long path left out.
    package static func text(_ names: [String]) -> String {
        guard names.count > 2 * shownEnds + 1 else { return names.joined(separator: " -> ") }
        return (names.prefix(shownEnds) + ["…"] + names.suffix(shownEnds)).joined(separator: " -> ")
    }
}
