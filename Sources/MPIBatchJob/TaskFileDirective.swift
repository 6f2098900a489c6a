/// One `#DISBATCH …` or `#MPIBATCH …` line of a plain task file, with
/// disBatch's meaning (its own regular expressions, disBatch 3.0):
///
/// - `#DISBATCH PREFIX text` / `#DISBATCH SUFFIX text`: text put before / after every
///   later task line (verbatim, spaces kept); a later one replaces it.
/// - `#DISBATCH REPEAT n [start a] [step b] [command]`: n tasks running
///   PREFIX + command + SUFFIX with `DISBATCH_REPEAT_INDEX` = a, a+b, …
/// - `#MPIBATCH cores=N shell=PROGRAM`: mpibatch's own settings (see `TaskFileParser`).
///
/// `BARRIER` and `PERENGINE` are refused (mpibatch runs a task file as one pool), as is
/// any other word: nothing that looks like a directive is silently taken for a comment.
enum TaskFileDirective {
    case prefix(String)
    case suffix(String)
    case repeated(count: Int, start: Int, step: Int, command: String)
    /// `key=value` settings, with each value's 0-based column.
    case mpibatch([(key: String, value: String, column: Int)])

    /// The most tasks one REPEAT may make: task files are materialised (a `sweep:` with `repeat:` is not).
    static let maximumRepeat = 100_000_000

    /// A problem at a 0-based column of the line.
    struct Problem: Error {
        let column: Int
        let message: String
    }

    /// The directive on `line` (already known to start with `#DISBATCH` or `#MPIBATCH`).
    init(parsing line: Substring) throws(Problem) {
        let scalars = Array(line.unicodeScalars)
        var position = 0
        func skipSpaces() { while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" { position += 1 } }
        func word() -> (text: String, column: Int) {
            skipSpaces()
            let start = position
            while position < scalars.count, scalars[position] != " ", scalars[position] != "\t" { position += 1 }
            return (String(String.UnicodeScalarView(scalars[start..<position])), start)
        }
        /// After one separating space, the rest of the line as written (disBatch's `(?: (.*))`).
        func rest() -> String {
            position < scalars.count ? String(String.UnicodeScalarView(scalars[(position + 1)...])) : ""
        }
        let head = word()
        if head.text == "#MPIBATCH" {
            self = .mpibatch(try Self.settings(word: word))
            return
        }
        guard head.text == "#DISBATCH" else {
            throw Problem(column: 0, message: "'\(head.text)' is not a directive: write '#DISBATCH WORD …', '#MPIBATCH key=value', or '# …' for a comment")
        }
        let keyword = word()
        switch keyword.text.uppercased() {
        case "PREFIX": self = .prefix(rest())
        case "SUFFIX": self = .suffix(rest())
        case "REPEAT":
            let count = try Self.number(word(), what: "REPEAT's count")
            guard count <= Self.maximumRepeat else {
                throw Problem(column: keyword.column, message: "REPEAT \(count) is over \(Self.maximumRepeat) tasks; use a sweep: job with repeat: for more")
            }
            var start = 0, step = 1
            var mark = position
            var next = word()
            if next.text.lowercased() == "start" {
                start = try Self.number(word(), what: "REPEAT's start")
                mark = position
                next = word()
            }
            if next.text.lowercased() == "step" {
                step = try Self.number(word(), what: "REPEAT's step")
                mark = position
            }
            position = mark
            self = .repeated(count: count, start: start, step: step, command: rest())
        case "BARRIER":
            throw Problem(
                column: keyword.column,
                message: "#DISBATCH BARRIER is not supported: mpibatch runs a task file as one pool; split the file into "
                    + "runs one after the other, or write a stages: job whose stages follow each other (after:)")
        case "PERENGINE":
            throw Problem(
                column: keyword.column,
                message: "#DISBATCH PERENGINE is not supported: run per-node setup before mpibatch (in the batch script)")
        default:
            throw Problem(
                column: keyword.column,
                message: "unknown #DISBATCH directive '\(keyword.text)' (disBatch has PREFIX, SUFFIX, REPEAT, BARRIER, PERENGINE)"
                    + DidYouMean.suffix(for: keyword.text.uppercased(), among: ["PREFIX", "SUFFIX", "REPEAT"]))
        }
    }

    /// A whole number ≥ 0 (disBatch's `[0-9]+`).
    private static func number(_ token: (text: String, column: Int), what: String) throws(Problem) -> Int {
        guard !token.text.isEmpty, token.text.allSatisfy(\.isASCII), let value = Int(token.text), value >= 0,
            token.text.allSatisfy(\.isNumber)
        else {
            throw Problem(column: token.column, message: "\(what) must be a whole number ≥ 0, not '\(token.text)'")
        }
        return value
    }

    /// `key=value …` after `#MPIBATCH`.
    private static func settings(word: () -> (text: String, column: Int)) throws(Problem) -> [(key: String, value: String, column: Int)] {
        var settings: [(key: String, value: String, column: Int)] = []
        while true {
            let token = word()
            if token.text.isEmpty { break }
            guard let equals = token.text.firstIndex(of: "="), equals != token.text.startIndex else {
                throw Problem(column: token.column, message: "#MPIBATCH takes key=value settings (cores=N, shell=PROGRAM), not '\(token.text)'")
            }
            let key = String(token.text[..<equals])
            let value = String(token.text[token.text.index(after: equals)...])
            settings.append((key, value, token.column + key.unicodeScalars.count + 1))
        }
        guard !settings.isEmpty else { throw Problem(column: 0, message: "#MPIBATCH needs a setting: cores=N or shell=PROGRAM") }
        return settings
    }
}
