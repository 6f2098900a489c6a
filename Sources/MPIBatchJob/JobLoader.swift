import Foundation
import Yams

/// Loads a job file: YAML (`.yaml`, `.yml`), JSON (`.json`, same schema) or a
/// plain task file (anything else: one shell command per line).
///
/// Every rank calls this on the same file and gets the same `JobSpec`.
public enum JobLoader {
    /// The parsed, checked job; the first problem (in file order) is thrown.
    /// `kernels` are the names a task or a `montecarlo:` section may use (checked with their `params:`).
    public static func load(path: String, kernels: any KernelLookup) throws(JobFileError) -> JobSpec {
        do {
            return try loadReportingAll(path: path, kernels: kernels)
        } catch {
            throw error.first
        }
    }

    /// The parsed, checked job, or every problem found (what `validate` prints).
    public static func loadReportingAll(path: String, kernels: any KernelLookup) throws(JobFileErrors) -> JobSpec {
        let text: String
        do {
            text = try SourceText.read(path: path, what: "job file")
        } catch {
            throw JobFileErrors([error])
        }
        return try load(text: text, path: path, kernels: kernels)
    }

    /// Parses `text` as if read from `path` (whose extension picks the format).
    public static func load(text: String, path: String, kernels: any KernelLookup) throws(JobFileErrors) -> JobSpec {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let defaultName = NameRule.conforming(url.deletingPathExtension().lastPathComponent, fallback: "job")
        guard ["yaml", "yml", "json"].contains(url.pathExtension.lowercased()) else {
            let (sweep, hash) = try TaskFileParser.parse(text, path: path, jobDirectory: directory)
            return JobSpec(name: defaultName, seed: 0, body: .sweep(sweep), contentHash: hash)
        }
        let root: Node
        let yaml: Parser
        do {
            yaml = try Parser(yaml: text)
            guard let composed = try yaml.singleRoot() else {
                throw JobFileErrors([JobFileError(path: path, line: 1, column: 1, message: "job file is empty")])
            }
            root = composed
        } catch let error as JobFileErrors {
            throw error
        } catch {
            throw JobFileErrors([syntaxError(error, path: path)])
        }
        let reader = NodeReader(path: path, lines: text.split(separator: "\n", omittingEmptySubsequences: false))
        var expansion = YAMLExpansionGuard(reader: reader)
        do {
            // The parser holds the anchors that the guard tells apart: it must live until then.
            try withExtendedLifetime(yaml) { () throws(JobFileError) in try expansion.check(root) }
        } catch {
            throw JobFileErrors([error])
        }
        let parser = JobDocumentParser(
            reader: reader, kernels: kernels, jobDirectory: directory, defaultName: defaultName)
        return try parser.parse(root)
    }

    /// A Yams error as `path:line:column: message`.
    private static func syntaxError(_ error: any Error, path: String) -> JobFileError {
        guard let yaml = error as? YamlError else {
            return JobFileError(path: path, line: 1, column: 1, message: "\(error)")
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let while_ = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            return JobFileError(path: path, line: mark.line, column: mark.column, message: "syntax error: \(problem)\(while_)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return JobFileError(
                path: path, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in this mapping")
        case .reader(let problem, _, _, _):
            return JobFileError(path: path, line: 1, column: 1, message: "cannot read: \(problem)")
        default:
            return JobFileError(path: path, line: 1, column: 1, message: "\(yaml)")
        }
    }
}
