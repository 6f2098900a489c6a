import Foundation
import MPIBatchCore

/// The Python that runs the installed dbt, when it offers dbt's programmatic runner
/// (`dbtRunner`, dbt 1.5 and later), which the persistent dbt workers need. A worker whose
/// dbt then fails to import cannot start, and the run says so with Python's message.
enum DbtPython {
    /// The absolute path of the Python that runs `program` and imports `dbtRunner`: the
    /// interpreter its `#!` line names when it is a Python script, else `python3` (a pyenv or
    /// conda shim is a shell script); nil for a program that is no script, or a Python
    /// without `dbtRunner`.
    static func interpreter(of program: String) -> String? {
        guard let path = ShellProgram.locate(program), let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 256) else { return nil }
        let firstLine = String(decoding: head, as: UTF8.self).split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        guard firstLine.hasPrefix("#!") else { return nil }
        var words = firstLine.dropFirst(2).split(separator: " ").map(String.init)
        if words.first.map({ $0.hasSuffix("/env") }) == true { words.removeFirst() }
        let named = words.first.flatMap { ($0 as NSString).lastPathComponent.hasPrefix("python") ? $0 : nil }
        return executableWithRunner(named ?? "python3")
    }

    /// What the probe runs: prints `sys.executable` when dbt's `cli/main.py` defines `dbtRunner`,
    /// found without importing dbt (which takes seconds), else exits 1.
    private static let probe = """
        import importlib.util, os, sys
        spec = importlib.util.find_spec("dbt")
        places = list(spec.submodule_search_locations or []) if spec else []
        found = False
        for place in places:
            try:
                found = found or "class dbtRunner" in open(os.path.join(place, "cli", "main.py")).read()
            except OSError:
                pass
        print(sys.executable) if found else sys.exit(1)
        """

    /// `sys.executable` of `interpreter` when its dbt has `dbt.cli.main.dbtRunner`; nil otherwise.
    private static func executableWithRunner(_ interpreter: String) -> String? {
        guard let path = ShellProgram.locate(interpreter) else { return nil }
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", probe]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let said = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let executable = String(decoding: said, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && executable.hasPrefix("/") ? executable : nil
    }
}
