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

    /// Writes the finding as a JSON object: `kind`, `message`, its numbers, `recommendation`.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("kind", kind)
        json.field("message", message)
        for number in numbers { json.field(number.name, number.value) }
        json.field("recommendation", recommendation)
        json.endObject()
    }
}
