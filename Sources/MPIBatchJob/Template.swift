/// A templated string from the job file, parsed once at load into literal
/// pieces and references, so expanding it for a task is one concatenation.
///
/// `{name}` is a parameter; `{index}`, `{replicate}`, `{seed}` and `{job_dir}` always exist.
/// `{{` and `}}` stand for literal braces. An unknown name or an unbalanced
/// brace is a load-time error.
public struct Template: Sendable, Equatable {
    /// What a `{…}` refers to.
    public enum Reference: Sendable, Equatable {
        /// The index space's parameter number n.
        case parameter(Int)
        /// The task index.
        case index
        /// The per-task seed (`TaskSeed`).
        case seed
        /// `{job_dir}`: the job file's directory, absolute.
        case jobDirectory
        /// `{stages.NAME.value}`: the result value of an upstream stage (`StageValues`).
        case stageValue(String)
    }

    /// A piece of a template.
    public enum Segment: Sendable, Equatable {
        /// Text copied as it is.
        case literal(String)
        /// A value filled in per task.
        case reference(Reference)
    }

    /// The pieces, in order; adjacent literals are merged.
    public let segments: [Segment]
    /// The template as written.
    public let source: String

    /// A template with no references.
    public init(literal text: String) {
        segments = text.isEmpty ? [] : [.literal(text)]
        source = text
    }

    /// Parses `text`, resolving names in `scope`.
    public init(parsing text: String, scope: TemplateScope) throws(TemplateError) {
        var segments: [Segment] = []
        var literal = ""
        var characters = Array(text.unicodeScalars)[...]
        var offset = 0
        func flush() {
            if !literal.isEmpty { segments.append(.literal(literal)) }
            literal = ""
        }
        while let scalar = characters.popFirst() {
            let start = offset
            offset += 1
            switch scalar {
            case "{" where characters.first == "{", "}" where characters.first == "}":
                characters.removeFirst()
                offset += 1
                literal.unicodeScalars.append(scalar)
            case "{":
                guard let close = characters.firstIndex(where: { $0 == "}" || $0 == "{" }), characters[close] == "}" else {
                    throw TemplateError(offset: start, message: "unbalanced '{'\(Self.quoted(text)) (write '{{' for a literal brace)")
                }
                var name = ""
                name.unicodeScalars.append(contentsOf: characters[..<close])
                characters = characters[(close + 1)...]
                offset += name.unicodeScalars.count + 1
                switch scope.resolve(name) {
                case .some(.literal(let value)): literal += value
                case .some(let segment):
                    flush()
                    segments.append(segment)
                case nil:
                    throw TemplateError(
                        offset: start,
                        message: "unknown name '{\(name)}'\(Self.quoted(text))"
                            + DidYouMean.suffix(for: "{\(name)}", among: scope.names.map { "{\($0)}" })
                            + " (for literal braces, as in code or JSON, write '{{' and '}}')")
                }
            case "}":
                throw TemplateError(offset: start, message: "unbalanced '}'\(Self.quoted(text)) (write '}}' for a literal brace)")
            default:
                literal.unicodeScalars.append(scalar)
            }
        }
        flush()
        self.segments = segments
        self.source = text
    }

    /// ` in template "…"` for a short one-line template; nothing for a block (the error's line and column point into it).
    private static func quoted(_ text: String) -> String {
        text.contains("\n") || text.count > 80 ? "" : " in template \"\(text)\""
    }

    /// True when the template expands to the same text for every task.
    public var isConstant: Bool {
        segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// The reference when the template is exactly one `{name}`, so its typed value can be kept.
    public var singleReference: Reference? {
        if segments.count == 1, case .reference(let reference) = segments[0] { reference } else { nil }
    }
}

/// A template that could not be parsed: what is wrong and where in the text.
public struct TemplateError: Error, Sendable {
    /// Characters (Unicode scalars) from the start of the template to the culprit.
    public let offset: Int
    /// What is wrong.
    public let message: String
}

/// The names a template may use: the sweep's parameters plus `index`, `replicate`,
/// `seed`, `job_dir`, and in a stage `stages.NAME.value` for every stage upstream of it.
public struct TemplateScope: Sendable {
    private let parameters: [String: Int]
    private let upstreamStages: UpstreamStages

    /// The names of `space`'s parameters plus the built-ins, plus the values of `upstreamStages`.
    public init(space: IndexSpace, upstreamStages: UpstreamStages = .none) {
        var parameters: [String: Int] = [:]
        for (number, parameter) in space.parameters.enumerated() { parameters[parameter.name] = number }
        self.parameters = parameters
        self.upstreamStages = upstreamStages
    }

    /// Every name, for did-you-mean.
    public var names: [String] {
        Array(parameters.keys) + ["index", "replicate", "seed", "job_dir"] + upstreamStages.names.map { "stages.\($0).value" }
    }

    /// What `{name}` stands for; `{replicate}` without `repeat:` is the constant 0.
    func resolve(_ name: String) -> Template.Segment? {
        if let number = parameters[name] { return .reference(.parameter(number)) }
        if name.hasPrefix("stages."), name.hasSuffix(".value"), name.count > 13 {
            let stage = String(name.dropFirst(7).dropLast(6))
            return upstreamStages.contains(stage) ? .reference(.stageValue(stage)) : nil
        }
        switch name {
        case "index": return .reference(.index)
        case "seed": return .reference(.seed)
        case "job_dir": return .reference(.jobDirectory)
        case "replicate": return .literal("0")
        default: return nil
        }
    }
}

extension Template {
    /// This template with `literal` in front (e.g. a directory to resolve a relative path).
    func prefixed(with literal: String) -> Template {
        var segments = segments
        if case .literal(let first)? = segments.first {
            segments[0] = .literal(literal + first)
        } else {
            segments.insert(.literal(literal), at: 0)
        }
        return Template(segments: segments, source: literal + source)
    }

    private init(segments: [Segment], source: String) {
        self.segments = segments
        self.source = source
    }
}

extension Template {
    /// A template that is exactly `reference`.
    init(reference: Reference) {
        self.init(segments: [.reference(reference)], source: "{\(reference)}")
    }
}
