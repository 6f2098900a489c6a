/// A shell line that means the same whether bash runs it or `posix_spawn` runs its words:
/// plain words only, and a first word that bash would look up on `PATH` (or run as a path).
///
/// A line is plain when every character is an ASCII letter or digit, one of `-_./:,+@%=`,
/// or a space or tab between words: no quotes, `$`, backticks, backslashes, globs (`*?[]`),
/// braces, `~`, `#`, `!`, `^`, redirections, `;`, `|`, `&`, parentheses, newlines, other
/// whitespace or non-ASCII text. Bash then does nothing to its words (no expansion, no
/// splitting beyond the blanks, no quote removal) and runs one simple command.
///
/// Its first word decides the rest (`Program`):
/// - one holding `=` is refused (an assignment, `A=1 cmd`);
/// - a reserved word (`time`, `if`, `for`, `coproc`, …) or a bash builtin (`cd`, `export`,
///   `source`, `echo`, `printf`, `test`, `kill`, …) is refused: a builtin is not the
///   program of that name on `PATH`, which may behave differently (`/bin/echo` and bash's
///   `echo` differ on `--help`, escapes and write errors);
/// - `true` and `false` with no argument are the only builtins kept: with no argument the
///   standard utilities do exactly what the builtins do (POSIX: exit 0, or 1, and print
///   nothing), and they are found in `/usr/bin` or `/bin`, never on `PATH`, as a builtin
///   would not be (`true --help` keeps its shell: `/bin/true --help` prints help);
/// - a word with a `/` is a path, run as it is (bash searches nothing for it);
/// - any other word is searched on `PATH` by whoever runs the line, which must also make
///   sure no exported function of that name exists (this type looks at text only).
///
/// A `shell:` body's placeholders may stand in any argument, whole or inside a word: bash
/// gets them as `"${MPIBATCH_P_name}"` (`ShellScript`), which it passes as the value's
/// exact bytes, so an argument rendered from the same segments is the same. A placeholder
/// in the first word keeps the shell (a value could name a builtin).
package enum PlainCommand {
    /// How the first word is run.
    package enum Program: Sendable, Equatable {
        /// Searched on `PATH`: the first executable file of that name.
        case search(String)
        /// A path (it holds a `/`), relative to the task's directory or absolute.
        case path(String)
        /// `true` or `false` alone: the standard utility of that name in `/usr/bin` or `/bin`.
        case standardUtility(String)
    }

    /// A plain line's program and argv (the first word included), its words as segments.
    package struct Words: Sendable, Equatable {
        package let program: Program
        /// argv: each word's literal text and references, in order.
        package let arguments: [[Template.Segment]]
    }

    /// `line`'s program and argv when it is a plain command; nil when it needs its shell.
    package static func parse(_ line: String) -> (program: Program, arguments: [String])? {
        guard let words = parse([.literal(line)]) else { return nil }
        return (
            words.program,
            words.arguments.map { word in
                word.reduce(into: "") { text, segment in if case .literal(let literal) = segment { text += literal } }
            }
        )
    }

    /// `segments`' program and argv when they are a plain command (literal text with
    /// references standing in or as arguments); nil when it needs its shell.
    package static func parse(_ segments: [Template.Segment]) -> Words? {
        var words: [[Template.Segment]] = []
        var word: [Template.Segment] = []
        var text = ""
        var inWord = false
        func endWord() {
            if !text.isEmpty { word.append(.literal(text)) }
            if inWord { words.append(word) }
            word = []
            text = ""
            inWord = false
        }
        for segment in segments {
            switch segment {
            case .reference:
                if !text.isEmpty { word.append(.literal(text)) }
                text = ""
                word.append(segment)
                inWord = true
            case .literal(let literal):
                for byte in literal.utf8 {
                    if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                        endWord()
                    } else if isPlain(byte) {
                        text.unicodeScalars.append(Unicode.Scalar(byte))
                        inWord = true
                    } else {
                        return nil
                    }
                }
            }
        }
        endWord()
        guard let first = words.first, first.count == 1, case .literal(let name) = first[0],
            let program = program(name, alone: words.count == 1)
        else { return nil }
        return Words(program: program, arguments: words)
    }

    /// How `name`, a plain first word, runs; nil when it keeps the shell.
    private static func program(_ name: String, alone: Bool) -> Program? {
        if name.contains("=") || reservedWords.contains(name) { return nil }
        if builtins.contains(name) {
            return alone && standardUtilities.contains(name) ? .standardUtility(name) : nil
        }
        return name.contains("/") ? .path(name) : .search(name)
    }

    /// Whether `byte` may stand in a plain word.
    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: ","),
            UInt8(ascii: "+"), UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "="):
            true
        default:
            false
        }
    }

    /// Bash's reserved words made of plain characters (`{`, `}`, `!`, `[[`, `]]` are not plain).
    package static let reservedWords: Set<String> = [
        "case", "coproc", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "select", "then",
        "time", "until", "while",
    ]

    /// Bash's builtins (`compgen -b` of bash 5.2), and dash's `chdir`.
    package static let builtins: Set<String> = [
        ".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "chdir", "command", "compgen", "complete",
        "compopt", "continue", "declare", "dirs", "disown", "echo", "enable", "eval", "exec", "exit", "export", "false",
        "fc", "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd",
        "printf", "pushd", "pwd", "read", "readarray", "readonly", "return", "set", "shift", "shopt", "source",
        "suspend", "test", "times", "trap", "true", "type", "typeset", "ulimit", "umask", "unalias", "unset", "wait",
    ]

    /// The builtins that, with no argument, mean the same as the standard utility of their name.
    package static let standardUtilities: Set<String> = ["true", "false"]
}
