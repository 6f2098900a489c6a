/// Text from tasks made safe to print on a terminal: every control character but newline
/// and tab (escape sequences that clear the screen, move the cursor or retitle the window,
/// a carriage return that overwrites the line) shown visibly as `\u{1b}`, not obeyed.
package enum TerminalText {
    /// `text` with each control character (C0 but `\n` and `\t`, DEL, C1) written as `\u{XX}`.
    package static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                shown.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                shown.append(scalar)
            }
        }
        return String(shown)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }
}
