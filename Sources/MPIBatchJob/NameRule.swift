/// The rule for names that become directories and variable names: a job's `name:` (its
/// run directory `runs/NAME-…`) and a stage's (`stages/NAME`, `MPIBATCH_STAGE_NAME_DIR`).
public enum NameRule {
    /// Whether `name` is letters, digits, `_` and `-` only, and not empty: never a path
    /// separator, `..`, a space or a line break.
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// `text` made to follow the rule: every other character becomes `_` (empty text: `fallback`).
    public static func conforming(_ text: String, fallback: String) -> String {
        let name = String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" })
        return name.isEmpty ? fallback : name
    }

    /// What the rule says, for messages.
    public static let description = "letters, digits, '_' and '-'"
}
