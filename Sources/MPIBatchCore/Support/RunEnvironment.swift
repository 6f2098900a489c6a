/// What a run's values depend on besides the job file: the software a user's model runs
/// under, as its worker reports it at its handshake (`{"python": "CPython 3.12.3",
/// "numpy": "1.26.4", "executable": "/usr/bin/python3"}` for the Python worker; any string
/// members for a `worker:` that sends them). `run.json` records it per part, and `--resume`
/// refuses another one without `--force`: numpy's Generator distributions and a model's
/// own arithmetic may change between versions, and then so do the path values.
public struct RunEnvironment: Sendable, Equatable, Codable {
    /// The member that says where the program is: recorded, never compared (a moved
    /// virtual environment of the same versions draws the same numbers).
    public static let locationMember = "executable"

    /// Each member's name and value.
    public let members: [String: String]

    /// An environment of these members.
    public init(_ members: [String: String]) {
        self.members = members
    }

    /// Reads a JSON object whose members are all strings.
    public init(from decoder: any Decoder) throws {
        members = try decoder.singleValueContainer().decode([String: String].self)
    }

    /// Writes it as a JSON object of strings.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(members)
    }

    /// The members that decide the values: all but `locationMember`.
    public var compared: [String: String] { members.filter { $0.key != Self.locationMember } }

    /// Whether values computed under `other` may differ from values computed under this one.
    public func differs(from other: RunEnvironment) -> Bool { compared != other.compared }

    /// `numpy 1.26.4, python CPython 3.12.3` (the compared members, by name).
    public var versions: String {
        let text = compared.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return text.isEmpty ? "(nothing compared)" : text
    }
}
