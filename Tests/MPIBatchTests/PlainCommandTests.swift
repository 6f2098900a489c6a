import Foundation
import Testing

@testable import MPIBatchJob

@Suite struct PlainCommandTests {
    /// Lines that run without a shell, with their program and argv.
    static let plain: [(line: String, program: PlainCommand.Program, arguments: [String])] = [
        ("true", .standardUtility("true"), ["true"]),
        ("false", .standardUtility("false"), ["false"]),
        ("  true  ", .standardUtility("true"), ["true"]),
        ("python3 model.py 1 2", .search("python3"), ["python3", "model.py", "1", "2"]),
        ("python3\tmodel.py  \t x", .search("python3"), ["python3", "model.py", "x"]),
        ("./solve --mesh=64 --tol=1e-4", .path("./solve"), ["./solve", "--mesh=64", "--tol=1e-4"]),
        ("/usr/bin/env", .path("/usr/bin/env"), ["/usr/bin/env"]),
        ("bin/run a:b,c+d@e%f", .path("bin/run"), ["bin/run", "a:b,c+d@e%f"]),
        ("sleep 0.5", .search("sleep"), ["sleep", "0.5"]),
        ("echoes x", .search("echoes"), ["echoes", "x"]),
        ("timeout 5 ./a", .search("timeout"), ["timeout", "5", "./a"]),
        ("env A=1 prog", .search("env"), ["env", "A=1", "prog"]),
        ("prog if then fi", .search("prog"), ["prog", "if", "then", "fi"]),
        ("prog true echo cd", .search("prog"), ["prog", "true", "echo", "cd"]),
        ("ls -la /tmp", .search("ls"), ["ls", "-la", "/tmp"]),
        ("x86_64-gcc -O2", .search("x86_64-gcc"), ["x86_64-gcc", "-O2"]),
        ("/bin/true --help", .path("/bin/true"), ["/bin/true", "--help"]),
        ("./echo", .path("./echo"), ["./echo"]),
        ("times2 3", .search("times2"), ["times2", "3"]),
    ]

    /// Lines that keep their shell, and why.
    static let shell: [(line: String, why: String)] = [
        ("", "empty"), ("   \t ", "blank"),
        ("echo 'a b'", "single quotes"), ("echo \"a\"", "double quotes"), ("echo $HOME", "expansion"),
        ("echo ${x}", "parameter"), ("echo $(date)", "command substitution"), ("echo `date`", "backticks"),
        ("echo a\\ b", "backslash"), ("ls *.txt", "glob *"), ("ls file?", "glob ?"), ("ls [ab]", "glob ["),
        ("ls a]", "]"), ("echo ~", "tilde"), ("ls ~/x", "tilde path"), ("prog a=~/x", "tilde after ="),
        ("echo {a,b}", "brace expansion"), ("echo {1..3}", "brace sequence"), ("prog # comment", "comment"),
        ("prog a#b", "# inside a word"), ("! prog", "negation"), ("prog !x", "!"), ("[[ -f x ]]", "[["),
        ("(( x = 1 ))", "(("), ("(prog)", "subshell"), ("prog > out", ">"), ("prog < in", "<"),
        ("prog 2>&1", "2>&1"), ("prog &> log", "&>"), ("prog; other", ";"), ("prog | other", "|"),
        ("prog && other", "&&"), ("prog || other", "||"), ("prog &", "trailing &"), ("prog a^b", "^"),
        ("prog\nother", "newline"), ("prog\r", "carriage return"), ("prog\u{0B}x", "vertical tab"),
        ("prog\u{0C}x", "form feed"), ("prög x", "non-ASCII"), ("prog\u{A0}x", "no-break space"),
        ("prog x\u{00}", "NUL"), ("A=1 prog", "assignment"), ("A=1", "assignment alone"),
        ("./a=b", "= in the first word"), ("time prog", "time"), ("if true", "if"), ("for x in a", "for"),
        ("while prog", "while"), ("until prog", "until"), ("case x in", "case"), ("coproc prog", "coproc"),
        ("function f", "function"), ("select x in a", "select"), ("do", "do"), ("done", "done"), ("then", "then"),
        ("else", "else"), ("elif x", "elif"), ("fi", "fi"), ("esac", "esac"), ("in", "in"),
        ("cd /tmp", "cd"), ("export A=1", "export"), ("source env.sh", "source"), (". env.sh", "."),
        ("echo hello", "echo"), ("printf x", "printf"), ("test -f x", "test"), ("[ -f x ]", "["),
        ("kill 1", "kill"), ("exec prog", "exec"), ("command prog", "command"), ("builtin echo", "builtin"),
        ("eval prog", "eval"), ("exit 3", "exit"), ("set -e", "set"), ("ulimit -n", "ulimit"),
        ("umask 022", "umask"), ("alias x=y", "alias"), ("pwd", "pwd"), ("read x", "read"), ("wait", "wait"),
        ("type prog", "type"), ("hash prog", "hash"), ("trap x EXIT", "trap"), ("shopt -s x", "shopt"),
        ("declare x", "declare"), ("local x", "local"), ("readonly x", "readonly"), ("unset x", "unset"),
        ("let x=1", "let"), ("getopts ab x", "getopts"), ("mapfile x", "mapfile"), ("enable -n echo", "enable"),
        ("chdir /", "chdir (dash)"), (":", ":"), ("true x", "true with an argument"),
        ("true --help", "true --help"), ("false --version", "false --version"),
    ]

    @Test func plainLinesRunWithoutAShell() {
        for (line, program, arguments) in Self.plain {
            let parsed = PlainCommand.parse(line)
            #expect(parsed?.program == program, "\(line)")
            #expect(parsed?.arguments == arguments, "\(line)")
        }
    }

    @Test func everythingElseKeepsItsShell() {
        for (line, why) in Self.shell {
            #expect(PlainCommand.parse(line) == nil, "\(why): \(line.debugDescription)")
        }
    }

    /// Every special character, alone and inside a word, keeps the shell.
    @Test func everyNonPlainCharacterKeepsTheShell() {
        let plainCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:,+@%= \t".unicodeScalars)
        for value in 0..<256 where !plainCharacters.contains(Unicode.Scalar(UInt8(value))) {
            let character = String(Unicode.Scalar(UInt8(value)))
            #expect(PlainCommand.parse("prog a\(character)b") == nil, "\(value)")
            #expect(PlainCommand.parse("prog \(character)") == nil, "\(value)")
        }
    }

    /// Aliases are words like any other: a non-interactive bash without startup files
    /// (`BASH_ENV` unset) expands none, so `ll` is the program `ll` on `PATH`.
    @Test func anAliasNameIsSearchedOnPath() {
        #expect(PlainCommand.parse("ll -a")?.program == .search("ll"))
    }

    @Test func placeholdersMayStandInArgumentsButNotInTheFirstWord() throws {
        let x = Template.Segment.reference(.parameter(0))
        let words = try #require(PlainCommand.parse([.literal("python3 model.py "), x, .literal(" --n="), x, .literal("b ")]))
        #expect(words.program == .search("python3"))
        #expect(words.arguments == [[.literal("python3")], [.literal("model.py")], [x], [.literal("--n="), x, .literal("b")]])
        #expect(PlainCommand.parse([x, .literal(" a")]) == nil)
        #expect(PlainCommand.parse([.literal("./run"), x]) == nil)
        #expect(PlainCommand.parse([.literal("prog "), x, .literal(" > out")]) == nil)
        #expect(PlainCommand.parse([.literal("true "), x]) == nil)
        #expect(PlainCommand.parse([.literal("prog "), x, x])?.arguments == [[.literal("prog")], [x, x]])
    }

    /// The lists match the installed bash's own (`compgen -b`, `compgen -k`).
    @Test func builtinAndReservedWordListsMatchBash() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return }
        let builtins = try Set(bashWords("compgen -b"))
        #expect(builtins.isSubset(of: PlainCommand.builtins), "\(builtins.subtracting(PlainCommand.builtins))")
        let plainKeywords = try Set(bashWords("compgen -k").filter { PlainCommand.parse("prog \($0)") != nil })
        #expect(plainKeywords == PlainCommand.reservedWords)
    }

    /// For every plain line, bash splits it into the same words (`set -- LINE` prints them).
    @Test func bashSplitsPlainLinesIntoTheSameWords() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return }
        for (line, _, arguments) in Self.plain {
            #expect(try bashWords("set -- \(line); printf '%s\\n' \"$@\"") == arguments, "\(line)")
        }
    }

    private func bashWords(_ script: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
