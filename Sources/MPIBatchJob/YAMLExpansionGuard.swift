import Yams

/// Checks a composed YAML tree before anything walks it: aliases must not
/// expand it past `maximumNodes` (a "billion laughs" document would otherwise
/// take hours and gigabytes to read), and no scalar may hold a NUL byte (a
/// program's arguments and environment are C strings, which would cut it off).
///
/// Aliased nodes are counted once per anchor (by the anchor's identity, which
/// the parser keeps alive), so the check takes time in the document's size. Only
/// what aliases add counts against the bound: a document written out in full (a
/// graph of 10⁶ stages is some 7 million nodes) costs its own size to read, bounded
/// by the file, however large.
struct YAMLExpansionGuard {
    /// More nodes than any job needs through aliases: a 10⁶-value grid list is an alias-free 10⁶ nodes.
    static let maximumNodes = 5_000_000

    let reader: NodeReader
    private var sizes: [ObjectIdentifier: Int] = [:]
    /// Nodes walked so far, each once (an anchored node's repeats are not walked again).
    private var walked = 0

    init(reader: NodeReader) { self.reader = reader }

    /// Throws at the first scalar with a NUL byte, or at the anchored node whose expansion is too large.
    mutating func check(_ root: Node) throws(JobFileError) {
        _ = try size(of: root)
    }

    private mutating func size(of node: Node) throws(JobFileError) -> Int {
        let anchor = node.anchor.map(ObjectIdentifier.init)
        if let anchor, let known = sizes[anchor] { return known }
        var total = 1
        walked += 1
        switch node {
        case .scalar(let scalar):
            if scalar.string.utf8.contains(0) {
                throw reader.error(at: node, "a value holds a NUL byte, which no program argument or environment variable can carry")
            }
        case .sequence(let sequence):
            for item in sequence { total = try add(total, item) }
        case .mapping(let mapping):
            for (key, value) in mapping { total = try add(try add(total, key), value) }
        case .alias:
            break
        }
        if let anchor { sizes[anchor] = total }
        return total
    }

    private mutating func add(_ total: Int, _ child: Node) throws(JobFileError) -> Int {
        let sum = total + (try size(of: child))
        guard sum <= Self.maximumNodes || sum <= walked else {
            throw reader.error(
                at: child, "aliases expand this document past \(Self.maximumNodes) nodes (a \"billion laughs\" document?)")
        }
        return sum
    }
}
