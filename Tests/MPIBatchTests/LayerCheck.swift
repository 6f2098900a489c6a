import Foundation

/// The library's folders and the one direction they may depend in (docs/how-it-works.md, "Layers").
///
/// Everything is one Swift module, so the compiler does not keep the layers: this does.
/// Each folder declares types at the top level of its files; a file may mention a type
/// declared in its own layer or a lower one, never a higher one. Mentions are found by
/// name, after comments and string literals are taken out.
struct LayerCheck {
    /// Layer of each top-level folder of `Sources/MPIBatch`, lowest first.
    static let layers: [String: Int] = [
        "Support": 0,
        "Job": 1, "Import": 1,
        "Plan": 2,
        "Scheduling": 3, "Runtime": 3, "Workloads": 3, "Journal": 3,
        "Reporting": 4,
        "Launch": 5, "Scaling": 5,
    ]

    /// A file that mentions a type of a higher layer.
    struct Violation: Equatable, CustomStringConvertible {
        /// The file, relative to the sources' root.
        var file: String
        /// The type it mentions.
        var type: String
        /// The folder that declares the type.
        var declaredIn: String

        /// `Job/JobSpec.swift uses MonteCarloWorkload (Workloads, a higher layer)`.
        var description: String { "\(file) uses \(type) (\(declaredIn), a higher layer)" }
    }

    /// Source text by path relative to the sources' root (`Job/JobSpec.swift`).
    let sources: [String: String]

    /// Every `.swift` file under `root`.
    static func reading(root: String) throws -> LayerCheck {
        var sources: [String: String] = [:]
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") {
            sources[file] = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
        }
        return LayerCheck(sources: sources)
    }

    /// The folder a source path is in; a file of no known folder is an error of the check's own.
    static func folder(of path: String) -> String { String(path.prefix { $0 != "/" }) }

    /// Folders whose files are in no layer (a new folder must be placed in `layers`).
    var unplacedFolders: Set<String> { Set(sources.keys.map(Self.folder).filter { Self.layers[$0] == nil }) }

    /// Every mention of a higher layer's type, sorted by file.
    var violations: [Violation] {
        var owner: [String: String] = [:]
        for (path, text) in sources {
            for name in Self.declaredTypes(in: text) { owner[name] = Self.folder(of: path) }
        }
        var found: [Violation] = []
        for (path, text) in sources {
            let layer = Self.layers[Self.folder(of: path)] ?? 0
            for name in Set(Self.typeNames(in: Self.code(of: text))) {
                guard let folder = owner[name], let other = Self.layers[folder], other > layer else { continue }
                found.append(Violation(file: path, type: name, declaredIn: folder))
            }
        }
        return found.sorted { ($0.file, $0.type) < ($1.file, $1.type) }
    }

    /// Names of the types a file declares at its top level (not nested, not extensions).
    static func declaredTypes(in text: String) -> [String] {
        let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "actor", "typealias"]
        let modifiers: Set<Substring> = [
            "public", "internal", "private", "fileprivate", "package", "final", "indirect", "nonisolated",
        ]
        var names: [String] = []
        for line in text.split(separator: "\n") where line.first?.isLetter == true || line.first == "@" {
            let words = line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "<" || $0 == "{" || $0 == "=" })
            var position = 0
            while position < words.count, modifiers.contains(words[position]) || words[position].hasPrefix("@") {
                position += 1
            }
            if position + 1 < words.count, kinds.contains(words[position]) { names.append(String(words[position + 1])) }
        }
        return names
    }

    /// `text` without comments and string literals.
    static func code(of text: String) -> String {
        var code = ""
        var rest = Substring(text)
        while let first = rest.first {
            if rest.hasPrefix("//") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*") {
                rest = rest.dropFirst(2)
                while !rest.isEmpty, !rest.hasPrefix("*/") { rest = rest.dropFirst() }
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix("\"\"\"") {
                rest = rest.dropFirst(3)
                while !rest.isEmpty, !rest.hasPrefix("\"\"\"") { rest = rest.dropFirst() }
                rest = rest.dropFirst(3)
            } else if first == "\"" {
                rest = rest.dropFirst()
                while let next = rest.first, next != "\"", next != "\n" {
                    rest = rest.dropFirst(next == "\\" ? 2 : 1)
                }
                rest = rest.dropFirst()
            } else {
                code.append(first)
                rest = rest.dropFirst()
            }
        }
        return code
    }

    /// Capitalised identifiers in `code`: the names that can be types.
    static func typeNames(in code: String) -> [String] {
        code.split { !($0.isLetter || $0.isNumber || $0 == "_") }
            .filter { $0.first?.isUppercase == true }
            .map(String.init)
    }
}
