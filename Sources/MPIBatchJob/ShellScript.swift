/// A `shell:` body ready to run: the line the shell is given, which is the same for every
/// task, and the environment variables that carry the values of its `{name}` placeholders.
///
/// A value never becomes part of the shell's program text, so no value can be parsed as
/// shell code, whatever it holds (`$(…)`, backticks, quotes, newlines, globs). Each `{name}`
/// becomes an expansion of the variable `MPIBATCH_P_name`, written for the place it stands in
/// (`ShellPlaceholderLexer`): `"${MPIBATCH_P_name}"` unquoted, `${MPIBATCH_P_name}` inside double
/// quotes and unquoted heredocs, closed and reopened inside single quotes, so the command
/// receives the value's exact bytes as one word. Places where the shell would evaluate the
/// value (arithmetic) or could not fill it in (a quoted heredoc) are refused at load.
public struct ShellScript: Sendable {
    /// One variable carrying a placeholder's value.
    public struct Variable: Sendable, Equatable {
        /// `MPIBATCH_P_name`.
        public let name: String
        /// The value it carries.
        public let reference: Template.Reference
    }

    /// The line given to `SHELL -c`.
    public let line: Template
    /// The variables the line expands, one per distinct placeholder.
    public let variables: [Variable]

    /// How the line may run without a shell (`PlainCommand`).
    package enum Plain: Sendable {
        /// A body of plain words, known at load: its program and argv.
        case words(PlainCommand.Words)
        /// A task file's lines, each looked at as it runs.
        case eachLine
    }

    /// How the line may run without a shell; nil when it needs its shell.
    package let plain: Plain?

    /// A line run as it is, its placeholders (if any) spliced into the text: for task files,
    /// whose lines are the user's own commands, not values.
    public init(verbatim line: Template) {
        self.line = line
        variables = []
        plain = .eachLine
    }

    /// Compiles the `shell:` body `source` (already parsed as `template`, so its names are
    /// known): every placeholder becomes a variable expansion fit for its place.
    ///
    /// - Parameter isWholeNumber: whether every value of a reference is a whole number (only
    ///   those may stand in arithmetic).
    /// - Throws: `TemplateError` at the placeholder that cannot be made safe, saying what to write instead.
    public init(
        compiling source: String, scope: TemplateScope, isWholeNumber: (Template.Reference) -> Bool
    ) throws(TemplateError) {
        var variables: [Variable] = []
        func variable(for reference: Template.Reference, named name: String) -> String {
            if let known = variables.first(where: { $0.reference == reference }) { return known.name }
            let stem = "MPIBATCH_P_" + String(name.unicodeScalars.map { Self.isNameCharacter($0) ? Character($0) : "_" })
            var candidate = stem
            var suffix = 2
            while variables.contains(where: { $0.name == candidate }) {
                candidate = stem + "_\(suffix)"
                suffix += 1
            }
            variables.append(Variable(name: candidate, reference: reference))
            return candidate
        }
        let text = try ShellPlaceholderLexer.rewrite(source) { (placeholder) throws(TemplateError) -> String in
            switch scope.resolve(placeholder.name) {
            case .literal(let value)?:
                return value
            case .reference(let reference)?:
                let name = variable(for: reference, named: placeholder.name)
                return try Self.expansion(of: name, placeholder: placeholder, wholeNumber: isWholeNumber(reference))
            case nil:
                throw TemplateError(offset: placeholder.offset, message: "unknown name '{\(placeholder.name)}'")
            }
        }
        line = Template(literal: text)
        self.variables = variables
        plain = (try? Template(parsing: source, scope: scope)).flatMap { PlainCommand.parse($0.segments) }.map(Plain.words)
    }

    /// How `variable` is written where `placeholder` stands.
    private static func expansion(
        of variable: String, placeholder: ShellPlaceholderLexer.Placeholder, wholeNumber: Bool
    ) throws(TemplateError) -> String {
        let name = "{\(placeholder.name)}"
        switch placeholder.place {
        case .unquoted: return "\"${\(variable)}\""
        case .doubleQuoted, .heredoc: return "${\(variable)}"
        case .singleQuoted: return "'\"${\(variable)}\"'"
        case .dollarSingleQuoted: return "'\"${\(variable)}\"$'"
        case .arithmetic:
            guard wholeNumber else {
                throw TemplateError(
                    offset: placeholder.offset,
                    message: "\(name) stands inside shell arithmetic, which would evaluate its value as code, and not all its "
                        + "values are whole numbers; pass it to a program as an argument instead (\"\(name)\")")
            }
            return "${\(variable)}"
        case .quotedHeredoc:
            throw TemplateError(
                offset: placeholder.offset,
                message: "\(name) stands in a heredoc whose delimiter is quoted (<<'EOF'), where the shell expands nothing; "
                    + "write the delimiter unquoted (<<EOF) to have the value filled in")
        case .heredocDelimiter:
            throw TemplateError(
                offset: placeholder.offset, message: "\(name) stands in a heredoc's delimiter, which must be fixed text")
        }
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }
}
