import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A run directory holding `results.jsonl` (`lines`, each followed by a newline unless
/// `tornTail` is given, which is appended as it is) and a `summary.json` of `ranks` ranks
/// with `slots` slots each.
func makeTimelineRun(
    lines: [String], tornTail: String = "", ranks: Int = 2, slots: Int = 2, wallSeconds: Double = 2,
    taskSeconds: Double = 3
) -> String {
    let directory = TestScratch.directory("timeline")
    let journal = lines.map { $0 + "\n" }.joined() + tornTail
    try! journal.write(toFile: directory + "/results.jsonl", atomically: true, encoding: .utf8)
    let perRank = (0..<ranks).map { #"{"rank":\#($0),"host":"node\#($0)","slots":\#(slots),"tasks":0,"busy_seconds":0}"# }
    let summary = #"{"name":"tl-test","tasks_total":\#(lines.count),"attempts":\#(lines.count),"#
        + #""wall_seconds":\#(wallSeconds),"task_seconds":\#(taskSeconds),"chunk_policy":"auto","#
        + #""per_rank":[\#(perRank.joined(separator: ","))],"per_slot":[],"failures":[]}"#
    try! summary.write(toFile: directory + "/summary.json", atomically: true, encoding: .utf8)
    return directory
}

/// One journal line as the runtime writes it.
func timelineLine(
    index: Int, status: String = "ok", start: Double, seconds: Double, rank: Int, slot: Int, attempt: Int = 1,
    params: String? = nil, value: String = "1.0", error: String = "null"
) -> String {
    #"{"index":\#(index),"params":\#(params ?? #"{"task":\#(index)}"#),"status":"\#(status)","seconds":\#(seconds),"#
        + #""start":\#(start),"rank":\#(rank),"slot":\#(slot),"attempt":\#(attempt),"value":\#(value),"error":\#(error)}"#
}

/// `directory/timeline.json`, decoded.
func readTimelineTrace(_ directory: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/timeline.json"))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
}

/// The elements of an XML document, counted by name, and its text; `nil` when it is not well-formed.
final class TimelineXMLCensus: NSObject, XMLParserDelegate {
    private(set) var elements: [String: Int] = [:]
    private(set) var text = ""

    /// Parses the file at `path`.
    static func parse(_ path: String) -> TimelineXMLCensus? {
        guard let parser = XMLParser(contentsOf: URL(fileURLWithPath: path)) else { return nil }
        let census = TimelineXMLCensus()
        parser.delegate = census
        return parser.parse() ? census : nil
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements[name, default: 0] += 1
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}
