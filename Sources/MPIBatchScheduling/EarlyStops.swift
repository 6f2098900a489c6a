import MPIBatchCore
import MPIBatchJob

/// Where an early stop applies: a sweep's or stage's `stop_when:` or `race:` over its
/// global index range.
public struct StopRule: Sendable, Equatable {
    /// The stage's name, or the job's for a sweep: how the summary and the record name it.
    public var scope: String
    /// The tasks it covers.
    public var range: Range<Int>
    /// What ends it.
    public var spec: EarlyStopSpec

    /// Makes a rule.
    public init(scope: String, range: Range<Int>, spec: EarlyStopSpec) {
        self.scope = scope
        self.range = range
        self.spec = spec
    }
}

/// An early stop that happened: recorded in `early-stops.jsonl` so that a resume runs
/// nothing more of its scope, and reported in the summary.
public struct EarlyStop: Sendable, Equatable, Codable {
    /// The rule's scope.
    public var scope: String
    /// The task whose result met the condition (a race's winner).
    public var index: Int
    /// The condition, as written (`status: ok` for a race).
    public var condition: String
    /// Whether it was a race.
    public var race: Bool
    /// Seconds the task that met it ran (nil for a stop restored from an earlier part).
    public var seconds: Double?
}

/// Rank 0's early stops: which rules have been met and by which task, and what the stop
/// cost and saved (tasks cancelled and their seconds, failures inside a stopped scope,
/// which do not fail the run). Pure: the coordinator asks, and acts.
package struct EarlyStops {
    /// The rules, in index order.
    let rules: [StopRule]
    /// Each rule's stop, once met.
    private(set) var met: [EarlyStop?]
    /// Per rule: tasks cancelled, their seconds, final failures and successes.
    private(set) var cancelled: [Int]
    private(set) var cancelledSeconds: [Double]
    private(set) var failures: [Int]
    private(set) var successes: [Int]
    /// Stops restored from an earlier part of the run.
    private var restored: [Bool]

    /// Watches `rules`.
    init(rules: [StopRule]) {
        self.rules = rules
        met = Array(repeating: nil, count: rules.count)
        cancelled = Array(repeating: 0, count: rules.count)
        cancelledSeconds = Array(repeating: 0, count: rules.count)
        failures = Array(repeating: 0, count: rules.count)
        successes = Array(repeating: 0, count: rules.count)
        restored = Array(repeating: false, count: rules.count)
    }

    /// Whether there is any rule at all (most runs have none: nothing to check per result).
    var isEmpty: Bool { rules.isEmpty }

    /// The rule covering `index`, if any.
    func rule(containing index: Int) -> Int? { rules.firstIndex { $0.range.contains(index) } }

    /// Whether `index` lies in a scope that has stopped.
    func isStopped(_ index: Int) -> Bool { rule(containing: index).map { met[$0] != nil } ?? false }

    /// Counts `record`, a task's final attempt (or a cancelled one); returns the rule it
    /// newly stops, if it meets its condition.
    mutating func count(_ record: TaskRecord) -> Int? {
        guard !rules.isEmpty, let rule = rule(containing: record.index) else { return nil }
        switch record.status {
        case .ok: successes[rule] += 1
        case .failed, .timeout: failures[rule] += 1
        case .cancelled:
            cancelled[rule] += 1
            cancelledSeconds[rule] += record.seconds
        case .interrupted: break
        }
        guard met[rule] == nil, rules[rule].spec.condition.holds(status: record.status, value: record.value) else { return nil }
        met[rule] = EarlyStop(
            scope: rules[rule].scope, index: record.index, condition: rules[rule].spec.condition.description,
            race: rules[rule].spec.race, seconds: record.seconds)
        return rule
    }

    /// An earlier part's stop of scope `scope` by task `index`, of whose scope `successes` tasks
    /// succeeded then; returns its rule, unless the job has no such scope any more.
    mutating func restore(scope: String, index: Int, successes: Int) -> Int? {
        guard let rule = rules.firstIndex(where: { $0.scope == scope && $0.range.contains(index) }), met[rule] == nil else {
            return nil
        }
        met[rule] = EarlyStop(
            scope: scope, index: index, condition: rules[rule].spec.condition.description, race: rules[rule].spec.race)
        self.successes[rule] = successes
        restored[rule] = true
        return rule
    }

    /// Tasks of stopped scopes that did not succeed (cancelled, failed, never started):
    /// settled by the stop, so they neither fail the run nor wait for a resume.
    package var settledByStops: Int {
        rules.indices.filter { met[$0] != nil }.reduce(0) { $0 + rules[$1].range.count - successes[$1] }
    }

    /// Failures inside stopped scopes: the run does not fail for them.
    package var failuresInStoppedScopes: Int { rules.indices.filter { met[$0] != nil }.reduce(0) { $0 + failures[$1] } }
}

extension EarlyStops {
    /// `early_stops` in summary.json: each stop that held, nil when none did.
    package func summary() -> [EarlyStopSummary]? {
        let stops = rules.indices.compactMap { rule in
            met[rule].map { stop in
                EarlyStopSummary(
                    scope: stop.scope, index: stop.index, condition: stop.condition, race: stop.race, seconds: stop.seconds,
                    cancelled: cancelled[rule], cancelledSeconds: cancelledSeconds[rule], failed: failures[rule],
                    notStarted: notStarted(rule), restored: restored[rule])
            }
        }
        return stops.isEmpty ? nil : stops
    }

    /// One line per stop: which task met it (a race's winner) and what the others cost.
    package func humanSummary() -> [String] {
        rules.indices.compactMap { rule in
            guard let stop = met[rule] else { return nil }
            if restored[rule] {
                return "\(stop.scope): stopped early in an earlier part (task \(stop.index) met \(stop.condition)); nothing more of it ran"
            }
            let ran = stop.seconds.map { " after \(NumberText.fixed($0)) s" } ?? ""
            let cost = "\(cancelled[rule]) cancelled (their cost: \(NumberText.fixed(cancelledSeconds[rule])) s), "
                + "\(notStarted(rule)) never started" + (failures[rule] > 0 ? ", \(failures[rule]) failed before it" : "")
            return stop.race
                ? "race '\(stop.scope)': task \(stop.index) won\(ran); the losers: \(cost)"
                : "\(stop.scope): stopped early at task \(stop.index), which met stop_when \(stop.condition)\(ran); \(cost)"
        }
    }

    /// Tasks of stopped rule `rule` that never came back at all: never handed out.
    private func notStarted(_ rule: Int) -> Int {
        max(0, rules[rule].range.count - successes[rule] - failures[rule] - cancelled[rule])
    }
}

/// One sweep or stage that stopped early, as `summary.json`'s `early_stops` lists it.
public struct EarlyStopSummary: Codable, Sendable, Equatable {
    /// The sweep, or the stage's name.
    public var scope: String
    /// The task that met the condition (a race's winner).
    public var index: Int
    /// The condition, as the job wrote it.
    public var condition: String
    /// Whether it was a race.
    public var race: Bool
    /// When it held, in seconds from the run's start (null when restored from an earlier part).
    public var seconds: Double?
    /// Tasks cancelled by it, and the seconds they had run.
    public var cancelled: Int
    public var cancelledSeconds: Double
    /// Tasks of its scope that failed before it held.
    public var failed: Int
    /// Tasks of its scope never handed out.
    public var notStarted: Int
    /// Whether it held in an earlier part of a resumed run.
    public var restored: Bool

    enum CodingKeys: String, CodingKey {
        case scope, index, condition, race, seconds, cancelled, cancelledSeconds = "cancelled_seconds", failed
        case notStarted = "not_started", restored
    }

    /// Writes every field, `seconds` as null when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scope, forKey: .scope)
        try container.encode(index, forKey: .index)
        try container.encode(condition, forKey: .condition)
        try container.encode(race, forKey: .race)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(cancelled, forKey: .cancelled)
        try container.encode(cancelledSeconds, forKey: .cancelledSeconds)
        try container.encode(failed, forKey: .failed)
        try container.encode(notStarted, forKey: .notStarted)
        try container.encode(restored, forKey: .restored)
    }
}
