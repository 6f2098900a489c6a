/// Sizes as job files write them: `16MiB`, `512K`, `1G`, or plain bytes. K, M and G (with or
/// without `i`, `B`) are powers of 1024.
package enum ByteSizeParser {
    /// Bytes, or nil when `text` is not a positive whole size.
    package static func bytes(_ text: String) -> Int? {
        let trimmed = text.filter { $0 != " " }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard let number = Int(digits), number > 0 else { return nil }
        let shifts: [String: Int] = [
            "": 0, "B": 0, "K": 10, "KB": 10, "KiB": 10, "k": 10, "M": 20, "MB": 20, "MiB": 20, "G": 30, "GB": 30, "GiB": 30,
        ]
        guard let shift = shifts[String(trimmed.dropFirst(digits.count))], number <= Int.max >> (shift + 1) else { return nil }
        return number << shift
    }
}
