/// Messages the protocol rules out (a result from a rank that already said `done`, a request
/// for a slot the rank does not have, a worker-bound message sent to the coordinator): a bug
/// on some rank, or a mismatched binary. Each traps in a debug build; in a release build it
/// is ignored but counted (`impossible_messages` in `summary.json`), and the first of each
/// kind is warned about, so that none passes unseen.
package struct ImpossibleMessages {
    /// What was impossible about a message.
    package enum Kind: String, Hashable {
        case afterDone = "a message from a rank that had said done"
        case noSuchSlot = "a message for a slot the rank does not have"
        case notHeld = "a result for a task the slot did not hold"
        case workerBound = "a message for workers sent to the coordinator"
        case noSuchRank = "a relayed message from no rank of the run, or relayed twice"
    }

    /// Impossible messages (and records) seen, of every kind.
    package private(set) var count = 0
    /// Whether one traps (in a debug build: `assertionFailure`); tests of the release
    /// behaviour turn it off.
    package var traps = true
    private var warned = Set<Kind>()

    /// An empty tally.
    package init() {}

    /// Counts one message of `kind` from `rank`; returns the warning to give when it is the
    /// first of its kind.
    package mutating func note(_ kind: Kind, from rank: Int, _ detail: String) -> String? {
        let text = "rank 0 got \(kind.rawValue) (rank \(rank): \(detail)): ignored"
        if traps { assertionFailure(text) }
        count += 1
        guard warned.insert(kind).inserted else { return nil }
        return text + "; a bug, or ranks running different mpibatch binaries (summary.json counts them all: impossible_messages)"
    }
}
