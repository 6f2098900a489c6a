/// How the job file's text is written: names shown in messages and comments, YAML strings,
/// and templates that stand for themselves.
enum DbtJobText {
    /// `text` as it is when it holds no space or control character, else in double quotes with
    /// its escapes: one line, whatever a manifest holds.
    static func shown(_ text: String) -> String {
        text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F } ? text : String(reflecting: text)
    }

    /// `text` as a template that stands for itself: braces doubled.
    static func literalTemplate(_ text: String) -> String {
        text.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
    }

    /// A YAML double-quoted string: backslashes, quotes and control characters escaped (a
    /// raw line break inside one would fold to a space).
    static func string(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                quoted += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}

extension String {
    /// This text with `0`s in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
