import Yams

/// Reads a composed YAML (or JSON) tree, turning every mismatch into a
/// `JobFileError` at the offending node's line and column.
struct NodeReader {
    /// The job file's path, as the user gave it.
    let path: String
    /// The file's lines, to place a culprit inside a scalar that spans several (a `|` block).
    var lines: [Substring] = []

    /// An error at `node`'s position.
    func error(at node: Node, _ message: String) -> JobFileError {
        let mark = node.mark
        return JobFileError(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message)
    }

    /// `path:line:col` of `node`.
    func place(of node: Node) -> String {
        let error = error(at: node, "")
        return "\(path):\(error.line):\(error.column)"
    }

    /// An error at a character offset inside a scalar (e.g. a template's brace): in a
    /// scalar that spans lines (a `|` or `>` block), at the culprit's own line and column.
    func error(at node: Node, offset: Int, _ message: String) -> JobFileError {
        if let scalar = node.scalar, scalar.style == .literal || scalar.style == .folded || scalar.string.contains("\n"),
            let (line, column) = SourceSearch(lines: lines).locate(offset: offset, in: scalar.string, from: node.mark)
        {
            return JobFileError(path: path, line: line, column: column, message: message)
        }
        let mark = node.mark
        let quoted = node.scalar.map { $0.style == .singleQuoted || $0.style == .doubleQuoted } ?? false
        return JobFileError(
            path: path, line: mark?.line ?? 1, column: (mark?.column ?? 1) + offset + (quoted ? 1 : 0),
            message: message)
    }

    /// `node` as a mapping with string keys, in file order; keys outside `allowed` are errors with a suggestion.
    func mapping(_ node: Node, _ what: String, allowed: [String]? = nil) throws(JobFileError) -> [(key: String, keyNode: Node, value: Node)] {
        guard let mapping = node.mapping else { throw error(at: node, "\(what) must be a mapping") }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else { throw error(at: keyNode, "\(what) keys must be names") }
            if let allowed, !allowed.contains(key) {
                throw error(at: keyNode, "unknown key '\(key)' in \(what)" + DidYouMean.suffix(for: key, among: allowed))
            }
            entries.append((key, keyNode, value))
        }
        return entries
    }

    /// `node` as a mapping whose keys outside `allowed` are appended to `errors` (each one,
    /// with a suggestion) and left out, so the rest is still checked; nil when it is no mapping.
    func mapping(
        _ node: Node, _ what: String, allowed: [String], errors: inout [JobFileError]
    ) -> [(key: String, keyNode: Node, value: Node)]? {
        let entries: [(key: String, keyNode: Node, value: Node)]
        do {
            entries = try mapping(node, what)
        } catch {
            errors.append(error)
            return nil
        }
        return entries.filter { entry in
            if allowed.contains(entry.key) { return true }
            errors.append(
                error(at: entry.keyNode, "unknown key '\(entry.key)' in \(what)" + DidYouMean.suffix(for: entry.key, among: allowed)))
            return false
        }
    }

    /// `node` as a sequence.
    func sequence(_ node: Node, _ what: String) throws(JobFileError) -> [Node] {
        guard let sequence = node.sequence else { throw error(at: node, "\(what) must be a list") }
        return Array(sequence)
    }

    /// `node` as a string scalar.
    func string(_ node: Node, _ what: String) throws(JobFileError) -> String {
        guard let scalar = node.scalar else { throw error(at: node, "\(what) must be a string") }
        return scalar.string
    }

    /// `node` as an integer.
    func integer(_ node: Node, _ what: String) throws(JobFileError) -> Int {
        guard let scalar = node.scalar, let value = Int(scalar.string) else {
            throw error(at: node, "\(what) must be an integer, not '\(node.scalar?.string ?? "a collection")'")
        }
        return value
    }

    /// `node` as a number.
    func number(_ node: Node, _ what: String) throws(JobFileError) -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else {
            throw error(at: node, "\(what) must be a number, not '\(node.scalar?.string ?? "a collection")'")
        }
        return value
    }

    /// `node` as a parameter value: plain scalars that read as numbers are numbers, the rest strings.
    func parameterValue(_ node: Node, _ what: String) throws(JobFileError) -> ParameterValue {
        guard let scalar = node.scalar else { throw error(at: node, "\(what) must be a single value, not a collection") }
        guard scalar.style == .plain else { return .string(scalar.string) }
        return ParameterValue(parsing: scalar.string)
    }
}

extension ParameterValue {
    /// `16` → integer, `1e-3` → real, anything else → string.
    package init(parsing text: String) {
        if let integer = Int(text) {
            self = .integer(integer)
        } else if let real = Double(text), real.isFinite, text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true {
            self = .real(real)
        } else {
            self = .string(text)
        }
    }
}
