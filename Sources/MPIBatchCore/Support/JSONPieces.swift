/// Small pieces of JSON written straight into memory that `JSONWriter.appendPieces` provides
/// on the stack, then appended to the writer at once: a journal line's fixed fields are a
/// dozen fragments and numbers, and appending each to the writer's array cost a capacity
/// and uniqueness check apiece (more than formatting them).
///
/// There are no bounds checks: the caller asks `appendPieces` for room for everything it
/// writes (`maximumNumberBytes` per number, the fragments' lengths).
public struct JSONPieces {
    /// The most bytes one number takes: an integer's 20 digits and sign, or a fixed-point
    /// number's 10 whole digits, point and 9 decimals, or a double's shortest description.
    public static let maximumNumberBytes = 32

    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    @usableFromInline var count = 0

    @inlinable init(base: UnsafeMutablePointer<UInt8>) { self.base = base }

    @inlinable mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Raw text (keys, punctuation), as written.
    @inlinable public mutating func fragment(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            (base + count).update(from: bytes.baseAddress!, count: bytes.count)
            count += bytes.count
        }
    }

    /// `null`.
    @inlinable public mutating func null() { fragment("null") }

    /// An integer.
    @inlinable public mutating func integer(_ integer: Int) {
        if integer < 0 { put(UInt8(ascii: "-")) }
        let magnitude = UInt64(integer.magnitude)
        var digits = 1
        var bound: UInt64 = 10
        while magnitude >= bound, digits < 20 {
            digits += 1
            (bound, _) = bound.multipliedReportingOverflow(by: 10)
        }
        count += digits
        putDigits(magnitude, endingAt: count, count: digits)
    }

    /// Writes the last `digits` decimal digits of `number` (leading zeros included) so that
    /// they end just before `end`: two at a time from `DecimalPairs`, one division per pair.
    @inlinable @inline(__always)
    mutating func putDigits(_ number: UInt64, endingAt end: Int, count digits: Int) {
        var number = number
        var position = end
        var left = digits
        let pairs = DecimalPairs.text.utf8Start  // a literal's bytes: valid for the program's life
        while left >= 2 {
            let pair = Int(number % 100) &* 2
            number /= 100
            position -= 2
            base[position] = pairs[pair]
            base[position + 1] = pairs[pair + 1]
            left -= 2
        }
        if left == 1 { base[position - 1] = UInt8(ascii: "0") + UInt8(number % 10) }
    }

    /// A non-negative number with up to 9 decimals, in fixed point (see `JSONWriter.fixedPoint`).
    @inlinable public mutating func fixedPoint(_ number: Double) {
        fixedPoint(number, scale: 1_000_000_000, decimals: 9)
    }

    /// A Unix time in fixed point to the microsecond (see `JSONWriter.epochSeconds`).
    @inlinable public mutating func epochSeconds(_ seconds: Double) {
        fixedPoint(seconds, scale: 1_000_000, decimals: 6)
    }

    /// `number` with up to `decimals` decimals, trailing zeros dropped (`12.5`, `0.0`); one
    /// outside [0, 9e9) as `double(_:)` writes it. `scale` is 10^`decimals`, a constant at every
    /// call once inlined, so the divisions below are multiplications.
    @inlinable @inline(__always)
    mutating func fixedPoint(_ number: Double, scale: UInt64, decimals: Int) {
        guard number.isFinite, number >= 0, number < 9e9 else { return double(number) }
        let units = Self.roundedHalfAway(number * Double(scale))
        integer(Int(units / scale))
        put(UInt8(ascii: "."))
        var fraction = units % scale
        guard fraction != 0 else { return put(UInt8(ascii: "0")) }
        var digits = decimals
        while fraction % 100 == 0 {
            fraction /= 100
            digits -= 2
        }
        if fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        count += digits
        putDigits(fraction, endingAt: count, count: digits)
    }

    /// `value.rounded()` (to nearest, ties away from zero) of a non-negative `value` below
    /// 2^63, without the libm call: the truncation is exact, and so is `value` less it (below
    /// 2^53 both are exact doubles; above, `value` is an integer already).
    @inlinable @inline(__always)
    static func roundedHalfAway(_ value: Double) -> UInt64 {
        let truncated = UInt64(value)
        return value - Double(truncated) >= 0.5 ? truncated + 1 : truncated
    }

    /// A number as JSON has it: an integral one below 1e15 as `12.0` (`-0.0` keeps its sign),
    /// others in their shortest form, NaN and infinities (which JSON lacks) as `null`.
    @inlinable public mutating func double(_ number: Double) {
        guard number.isFinite else { return null() }
        if number == number.rounded(.towardZero), abs(number) < 1e15 {
            if number.sign == .minus, number == 0 { put(UInt8(ascii: "-")) }
            integer(Int(number))
            fragment(".0")
        } else {
            for byte in number.description.utf8 { put(byte) }
        }
    }
}

extension JSONWriter {
    /// Appends what `body` writes, at most `capacity` bytes of it, in one append; the next
    /// value takes no comma (as after `fragment`).
    @inlinable public mutating func appendPieces(capacity: Int, _ body: (inout JSONPieces) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var pieces = JSONPieces(base: buffer.baseAddress!)
            body(&pieces)
            written.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress!, count: pieces.count))
        }
        needsComma = false
    }
}

/// The two-digit decimal numbers 00 to 99 back to back, for `JSONPieces.putDigits`.
@usableFromInline enum DecimalPairs {
    @inlinable static var text: StaticString {
        """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """
    }
}
