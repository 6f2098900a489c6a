import Foundation

/// A node selection (`--select`, `--exclude`, `--selector`) resolved by dbt itself: `dbt ls
/// --output json`, run in the project with the job's `--profiles-dir`, `--target` and `--vars`,
/// so that every selector dbt knows (graph operators, `tag:`, `path:`, `state:`, YAML
/// selectors, indirect test selection) means exactly what it means under `dbt build`.
struct DbtList {
    /// `--select` arguments, each passed to dbt as given.
    var select: [String] = []
    /// `--exclude` arguments.
    var exclude: [String] = []
    /// A YAML selector's name (`--selector`).
    var selector: String?

    /// Whether anything narrows the selection (else every node is chosen, and dbt is not asked).
    var isEmpty: Bool { select.isEmpty && exclude.isEmpty && selector == nil }

    /// dbt's arguments for this selection.
    var arguments: [String] {
        select.flatMap { ["--select", $0] } + exclude.flatMap { ["--exclude", $0] } + (selector.map { ["--selector", $0] } ?? [])
    }

    /// The unique ids dbt lists for this selection, asked through `invocation`.
    func uniqueIDs(_ invocation: DbtInvocation) throws(DbtImportError) -> Set<String> {
        let argv = [invocation.program, "--quiet", "ls"] + arguments + ["--output", "json", "--output-keys", "unique_id"]
            + invocation.projectArguments
        let ran: (status: Int32, output: String)
        do {
            ran = try Self.run(argv, in: invocation.project.root)
        } catch {
            throw DbtImportError(path: invocation.program, reason: "cannot run `\(argv.joined(separator: " "))`: \(error)")
        }
        let lines = ran.output.split(whereSeparator: \.isNewline)
        guard ran.status == 0 else {
            let said = lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.suffix(3).joined(separator: " ")
            throw DbtImportError(path: "dbt ls " + arguments.joined(separator: " "), reason: "dbt refused the selection: \(said)")
        }
        var ids = Set<String>()
        for line in lines where line.hasPrefix("{") {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let id = object["unique_id"] as? String {
                ids.insert(id)
            }
        }
        return ids
    }

    /// Runs `argv` in `directory`; its status and its stdout and stderr together.
    private static func run(_ argv: [String], in directory: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
