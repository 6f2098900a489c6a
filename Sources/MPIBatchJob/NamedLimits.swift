/// `limits:` — the job's named limits, each a count of units that the whole run (every rank
/// together) never has in use at once: `limits: {db: 4, licence: 2}`. Tasks and stages take
/// units with `uses:` (`LimitUses`).
public struct NamedLimits: Sendable, Equatable {
    /// One limit.
    public struct Limit: Sendable, Equatable {
        /// Its name, as `uses:` writes it.
        public let name: String
        /// How many units the run may have in use at once (≥ 1).
        public let capacity: Int
        /// `path:line:col` of its declaration.
        public let place: String

        /// Makes a limit; the job loader does this.
        public init(name: String, capacity: Int, place: String) {
            self.name = name
            self.capacity = capacity
            self.place = place
        }
    }

    /// The limits, in file order: a limit's number is its position here.
    public let limits: [Limit]

    /// No limits: the default.
    public static let none = NamedLimits(limits: [])

    /// Makes the set; the job loader does this.
    public init(limits: [Limit]) { self.limits = limits }

    /// The number of the limit called `name`, if there is one.
    public func number(named name: String) -> Int? { limits.firstIndex { $0.name == name } }
}
