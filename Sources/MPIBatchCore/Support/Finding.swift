/// One diagnosis of a finished run, computed from its own journal and figures: what was
/// found, the numbers behind it, and what to try next time. `summary.json` lists them under
/// `findings`; the human summary prints one line each. A balanced run has none.
public struct Finding: Sendable, Equatable {
    /// What kind of problem: `straggler`, `idle_tail`, `imbalance`, `node_imbalance`,
    /// `dispatch_overhead`, `io_bound`, `stage_over_warn_after`, `critical_path`.
    public var kind: String
    /// One sentence for people, with the numbers.
    public var message: String
    /// The numbers behind it, by name (written as fields of the finding's JSON object).
    public var numbers: [Number]
    /// What to try.
    public var recommendation: String

    /// A named number of a finding.
    public struct Number: Sendable, Equatable {
        /// Its field name.
        public var name: String
        /// Its value.
        public var value: Double

        /// `name` = `value`.
        public init(_ name: String, _ value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// A finding of `kind`.
    public init(kind: String, message: String, numbers: [Number], recommendation: String) {
        self.kind = kind
        self.message = message
        self.numbers = numbers
        self.recommendation = recommendation
    }

}

extension Finding: Codable {
    private static let textKeys: Set = ["kind", "message", "recommendation"]

    /// The finding as a JSON object: `kind`, `message`, `recommendation` and its numbers as fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ReportKey.self)
        for (key, text) in [("kind", kind), ("message", message), ("recommendation", recommendation)] {
            try container.encode(text, forKey: ReportKey(key))
        }
        for number in numbers { try container.encodeNumber(number.value, forKey: ReportKey(number.name)) }
    }

    /// A finding read back: its text fields, and every other field as one of its numbers (by name).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ReportKey.self)
        func text(_ key: String) throws -> String { try container.decodeIfPresent(String.self, forKey: ReportKey(key)) ?? "" }
        self.init(
            kind: try text("kind"), message: try text("message"),
            numbers: try container.allKeys.filter { !Self.textKeys.contains($0.stringValue) }
                .sorted { $0.stringValue < $1.stringValue }
                .map { Number($0.stringValue, try container.decodeNumber(forKey: $0)) },
            recommendation: try text("recommendation"))
    }
}
