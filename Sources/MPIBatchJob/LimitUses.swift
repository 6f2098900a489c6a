/// `uses:` — the units of the job's named limits one task holds while it runs:
/// `uses: [db]` (one unit of `db`) or `uses: {db: 2, licence: 1}`. Every task of the
/// sweep or stage that says it uses the same units.
public struct LimitUses: Sendable, Equatable {
    /// Units of one limit.
    public struct Use: Sendable, Equatable {
        /// The limit's number in the job's `NamedLimits`.
        public let limit: Int
        /// The limit's name.
        public let name: String
        /// Units one task holds (≥ 1, ≤ `capacity`).
        public let units: Int
        /// The limit's capacity (carried here so the scheduler needs nothing else).
        public let capacity: Int

        /// Makes a use; the job loader does this.
        public init(limit: Int, name: String, units: Int, capacity: Int) {
            self.limit = limit
            self.name = name
            self.units = units
            self.capacity = capacity
        }
    }

    /// What one task holds, one entry per limit, in the job's order of limits.
    public let uses: [Use]

    /// No limit: the default (the scheduler's fast path).
    public static let none = LimitUses(uses: [])

    /// Makes the uses; the job loader does this.
    public init(uses: [Use]) { self.uses = uses.sorted { $0.limit < $1.limit } }

    /// Whether the task uses no limit.
    @inline(__always)
    public var isEmpty: Bool { uses.isEmpty }

    /// The most tasks of these uses that can run at once over the whole run (nil: no limit
    /// applies, only slots do).
    public var mostAtOnce: Int? { uses.map { $0.capacity / $0.units }.min() }

    /// `db 1, licence 2`: what `plan` shows.
    public var description: String { uses.map { "\($0.name) \($0.units)" }.joined(separator: ", ") }
}
