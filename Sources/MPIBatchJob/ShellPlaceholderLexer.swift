/// Reads a `shell:` body as bash would, far enough to tell where each `{name}` stands:
/// unquoted, inside single, `$'…'` or double quotes, in arithmetic, in a heredoc (quoted
/// delimiter or not) or in a heredoc's delimiter. Command substitutions (`$(…)`, backticks)
/// and `${…}` open the contexts they open in bash; a `#` comment runs to the end of its line.
///
/// Safety does not rest on this reading: a placeholder always becomes a variable expansion
/// (`ShellScript`), and bash never parses an expansion's result as code outside arithmetic. A
/// construct read wrongly can only cost the exact bytes, never run a value.
enum ShellPlaceholderLexer {
    /// Where a placeholder stands.
    enum Place: Equatable {
        case unquoted, singleQuoted, dollarSingleQuoted, doubleQuoted, arithmetic, heredoc, quotedHeredoc, heredocDelimiter
    }

    /// A `{name}` of the body, at `offset` (Unicode scalars from the start), standing in `place`.
    struct Placeholder {
        let name: String
        let offset: Int
        let place: Place
    }

    /// `source` with `{{`/`}}` written as single braces and each placeholder as `replacement` says.
    static func rewrite(
        _ source: String, replacement: (Placeholder) throws(TemplateError) -> String
    ) throws(TemplateError) -> String {
        var state = State(items: Item.split(source))
        return try state.run(replacement)
    }

    /// A character of the body, or a placeholder.
    fileprivate enum Item: Equatable {
        case character(Unicode.Scalar)
        case placeholder(name: String, offset: Int)

        /// `source`'s items; `{{` and `}}` are literal braces (the template parser has checked the balance).
        static func split(_ source: String) -> [Item] {
            let scalars = Array(source.unicodeScalars)
            var items: [Item] = []
            var position = 0
            while position < scalars.count {
                let scalar = scalars[position]
                let next = position + 1 < scalars.count ? scalars[position + 1] : nil
                if (scalar == "{" || scalar == "}") && next == scalar {
                    items.append(.character(scalar))
                    position += 2
                } else if scalar == "{", let close = scalars[(position + 1)...].firstIndex(of: "}") {
                    var name = ""
                    name.unicodeScalars.append(contentsOf: scalars[(position + 1)..<close])
                    items.append(.placeholder(name: name, offset: position))
                    position = close + 1
                } else {
                    items.append(.character(scalar))
                    position += 1
                }
            }
            return items
        }
    }

    /// The open constructs, innermost last.
    private enum Context: Equatable {
        /// Command text: the body itself, `$(…)` (with its open parentheses) or a backtick substitution.
        case command(parentheses: Int, backtick: Bool)
        case singleQuoted
        case dollarSingleQuoted
        case doubleQuoted
        /// `${…}`.
        case parameter
        /// `$((…))` or `((…))`, with its open inner parentheses.
        case arithmetic(parentheses: Int)
        case comment
        case heredoc(delimiter: String, quoted: Bool, stripsTabs: Bool)
    }

    private struct PendingHeredoc {
        let delimiter: String
        let quoted: Bool
        let stripsTabs: Bool
    }

    private struct State {
        let items: [Item]
        var position = 0
        var stack: [Context] = [.command(parentheses: 0, backtick: false)]
        var pending: [PendingHeredoc] = []
        var output = ""
        /// Set when a heredoc's delimiter word runs into a placeholder.
        var readingDelimiter = false

        init(items: [Item]) { self.items = items }

        func character(at offset: Int) -> Unicode.Scalar? {
            guard position + offset < items.count, case .character(let scalar) = items[position + offset] else { return nil }
            return scalar
        }

        /// Whether the character before the current one ends a word (or there is none).
        var atWordStart: Bool {
            guard position > 0 else { return true }
            guard case .character(let previous) = items[position - 1] else { return false }
            return " \t\n;|&()".unicodeScalars.contains(previous)
        }

        var atLineStart: Bool { position == 0 || items[position - 1] == .character("\n") }

        mutating func emit(_ count: Int) {
            for _ in 0..<count {
                if case .character(let scalar) = items[position] { output.unicodeScalars.append(scalar) }
                position += 1
            }
        }

        mutating func run(_ replacement: (Placeholder) throws(TemplateError) -> String) throws(TemplateError) -> String {
            while position < items.count {
                if case .heredoc(let delimiter, _, let stripsTabs) = stack.last, atLineStart,
                    let length = heredocEnd(delimiter, stripsTabs)
                {
                    emit(length)
                    stack.removeLast()
                    openNextHeredoc()
                    continue
                }
                switch items[position] {
                case .placeholder(let name, let offset):
                    output += try replacement(Placeholder(name: name, offset: offset, place: place))
                    position += 1
                case .character(let scalar):
                    step(scalar)
                }
            }
            return output
        }

        /// Where a placeholder at the current position stands.
        var place: Place {
            if readingDelimiter { return .heredocDelimiter }
            switch stack.last! {
            case .command, .parameter, .comment: return .unquoted
            case .singleQuoted: return .singleQuoted
            case .dollarSingleQuoted: return .dollarSingleQuoted
            case .doubleQuoted: return .doubleQuoted
            case .arithmetic: return .arithmetic
            case .heredoc(_, let quoted, _): return quoted ? .quotedHeredoc : .heredoc
            }
        }

        /// Reads one character in the innermost context.
        mutating func step(_ scalar: Unicode.Scalar) {
            switch stack.last! {
            case .singleQuoted:
                if scalar == "'" { stack.removeLast() }
                emit(1)
            case .dollarSingleQuoted:
                if scalar == "\\" { return emit(min(2, items.count - position)) }
                if scalar == "'" { stack.removeLast() }
                emit(1)
            case .comment:
                guard scalar == "\n" else { return emit(1) }
                stack.removeLast()
                newline()
            case .doubleQuoted:
                if scalar == "\\" { return emit(min(2, items.count - position)) }
                if scalar == "\"" {
                    stack.removeLast()
                    return emit(1)
                }
                if !expansion(scalar) { emit(1) }
            case .heredoc(_, let quoted, _):
                if quoted || !expansion(scalar) {
                    if !quoted, scalar == "\\" { return emit(min(2, items.count - position)) }
                    emit(1)
                }
            case .arithmetic(let parentheses):
                if expansion(scalar) { return }
                if scalar == "(" { stack[stack.count - 1] = .arithmetic(parentheses: parentheses + 1) }
                if scalar == ")" {
                    if parentheses == 0 {
                        stack.removeLast()
                        return emit(character(at: 1) == ")" ? 2 : 1)
                    }
                    stack[stack.count - 1] = .arithmetic(parentheses: parentheses - 1)
                }
                emit(1)
            case .parameter:
                if scalar == "}" {
                    stack.removeLast()
                    return emit(1)
                }
                command(scalar)
            case .command:
                command(scalar)
            }
        }

        /// Opens `$(`, `$((`, `${` or a backtick substitution at the current position; false when none starts here.
        mutating func expansion(_ scalar: Unicode.Scalar) -> Bool {
            if scalar == "`" {
                if case .command(_, true) = stack.last { stack.removeLast() } else { stack.append(.command(parentheses: 0, backtick: true)) }
                emit(1)
                return true
            }
            guard scalar == "$" else { return false }
            switch (character(at: 1), character(at: 2)) {
            case ("(", "("):
                stack.append(.arithmetic(parentheses: 0))
                emit(3)
            case ("(", _):
                stack.append(.command(parentheses: 0, backtick: false))
                emit(2)
            case ("{", _):
                stack.append(.parameter)
                emit(2)
            default:
                emit(1)
            }
            return true
        }

        /// Reads one character of command text (the body, a substitution, or a `${…}` word).
        mutating func command(_ scalar: Unicode.Scalar) {
            switch scalar {
            case "\\":
                emit(min(2, items.count - position))
            case "'":
                stack.append(.singleQuoted)
                emit(1)
            case "\"":
                stack.append(.doubleQuoted)
                emit(1)
            case "$" where character(at: 1) == "'":
                stack.append(.dollarSingleQuoted)
                emit(2)
            case "#" where atWordStart:
                stack.append(.comment)
                emit(1)
            case "(" where atWordStart && character(at: 1) == "(":
                stack.append(.arithmetic(parentheses: 0))
                emit(2)
            case "(":
                if case .command(let parentheses, let backtick) = stack.last {
                    stack[stack.count - 1] = .command(parentheses: parentheses + 1, backtick: backtick)
                }
                emit(1)
            case ")":
                if case .command(let parentheses, let backtick) = stack.last, stack.count > 1, !backtick {
                    if parentheses == 0 { stack.removeLast() } else { stack[stack.count - 1] = .command(parentheses: parentheses - 1, backtick: false) }
                }
                emit(1)
            case "<" where character(at: 1) == "<" && character(at: 2) == "<":
                emit(3)  // a here-string: its word is command text
            case "<" where character(at: 1) == "<":
                heredocOperator()
            case "\n":
                newline()
            default:
                if !expansion(scalar) { emit(1) }
            }
        }

        /// After a newline in command text, the bodies of the heredocs begun on that line.
        mutating func newline() {
            emit(1)
            openNextHeredoc()
        }

        mutating func openNextHeredoc() {
            guard !pending.isEmpty else { return }
            let next = pending.removeFirst()
            stack.append(.heredoc(delimiter: next.delimiter, quoted: next.quoted, stripsTabs: next.stripsTabs))
        }

        /// `<<WORD` or `<<-WORD`: records the heredoc, whose body begins after the line.
        mutating func heredocOperator() {
            emit(2)
            let stripsTabs = character(at: 0) == "-"
            if stripsTabs { emit(1) }
            while let blank = character(at: 0), blank == " " || blank == "\t" { emit(1) }
            var delimiter = ""
            var quoted = false
            var quote: Unicode.Scalar?
            while position < items.count {
                guard case .character(let scalar) = items[position] else {
                    readingDelimiter = true  // the placeholder that follows is refused
                    return
                }
                if let open = quote {
                    if scalar == open { quote = nil } else { delimiter.unicodeScalars.append(scalar) }
                } else if scalar == "'" || scalar == "\"" {
                    quote = scalar
                    quoted = true
                } else if scalar == "\\" {
                    quoted = true
                } else if " \t\n;|&<>()".unicodeScalars.contains(scalar) {
                    break
                } else {
                    delimiter.unicodeScalars.append(scalar)
                }
                emit(1)
            }
            pending.append(PendingHeredoc(delimiter: delimiter, quoted: quoted, stripsTabs: stripsTabs))
        }

        /// The length of the line starting here when it is `delimiter` (after its leading tabs, for `<<-`); nil otherwise.
        func heredocEnd(_ delimiter: String, _ stripsTabs: Bool) -> Int? {
            var line = ""
            var index = position
            while index < items.count, case .character(let scalar) = items[index], scalar != "\n" {
                line.unicodeScalars.append(scalar)
                index += 1
            }
            if index < items.count, case .placeholder = items[index] { return nil }
            if stripsTabs { line = String(line.drop { $0 == "\t" }) }
            return line == delimiter ? index - position : nil
        }
    }
}
