import Yams

/// Finds where a character of a multi-line scalar's value lies in the file: the
/// value (a `|` block, say) has lost its indentation and, when folded, its line
/// breaks, so the culprit's text (a `{name}`) is looked for in the lines instead,
/// as the same occurrence counted from the scalar's start.
struct SourceSearch {
    let lines: [Substring]

    /// 1-based line and column of the character at `offset` (Unicode scalars) of `value`,
    /// whose node starts at `mark`; nil when the text cannot be found.
    func locate(offset: Int, in value: String, from mark: Mark?) -> (line: Int, column: Int)? {
        let scalars = Array(value.unicodeScalars)
        guard let mark, offset < scalars.count else { return nil }
        var end = offset + 1
        if scalars[offset] == "{", let close = scalars[offset...].firstIndex(where: { $0 == "}" || $0 == "\n" }), scalars[close] == "}" {
            end = close + 1
        }
        let token = Array(scalars[offset..<end])
        let earlier = occurrences(of: token, in: scalars[..<offset])
        var seen = 0
        for number in (mark.line - 1)..<lines.count {
            let line = Array(lines[number].unicodeScalars)
            var from = number == mark.line - 1 ? max(0, mark.column - 1) : 0
            while let found = firstMatch(of: token, in: line, from: from) {
                if seen == earlier { return (number + 1, found + 1) }
                seen += 1
                from = found + token.count
            }
        }
        return nil
    }

    private func occurrences(of token: [Unicode.Scalar], in text: ArraySlice<Unicode.Scalar>) -> Int {
        let text = Array(text)
        var count = 0, from = 0
        while let found = firstMatch(of: token, in: text, from: from) {
            count += 1
            from = found + token.count
        }
        return count
    }

    private func firstMatch(of token: [Unicode.Scalar], in text: [Unicode.Scalar], from: Int) -> Int? {
        guard !token.isEmpty, text.count >= token.count, from <= text.count - token.count else { return nil }
        return (from...(text.count - token.count)).first { text[$0..<($0 + token.count)].elementsEqual(token) }
    }
}
