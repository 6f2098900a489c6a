import Foundation

/// How the run's report files (`summary.json`, `run.json`, `scaling.json`) are written and
/// read: Codable types through `JSONEncoder` with sorted keys, on one line, then a newline.
/// (The journal, written on the hot path, has its own `JSONWriter`.)
package enum ReportCoding {
    /// `value` as one line of JSON with sorted keys, then a newline.
    package static func encode(_ value: some Encodable) throws(ReportEncodingError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return Array(try encoder.encode(value)) + [UInt8(ascii: "\n")]
        } catch {
            throw ReportEncodingError(type: String(describing: type(of: value)), reason: "\(error)")
        }
    }

    /// The `T` in the file at `path`, read as `encode` writes it.
    package static func read<T: Decodable>(_ type: T.Type, from path: String, missing: String) throws(RunFileError) -> T {
        guard let data = FileManager.default.contents(atPath: path) else { throw RunFileError(path: path, reason: missing) }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw RunFileError(path: path, reason: "not a readable \(T.self): \(error)")
        }
    }
}

/// A report that could not be encoded (a number JSON cannot hold in a field that has no `null`).
public struct ReportEncodingError: Error, CustomStringConvertible {
    /// The type being encoded.
    public let type: String
    /// What the encoder said.
    public let reason: String
    /// `cannot encode RunSummary: …`.
    public var description: String { "cannot encode \(type): \(reason)" }
}

/// An object key named at run time: a stage's name, a finding's number, a kernel's reference.
package struct ReportKey: CodingKey {
    /// The key.
    package let stringValue: String
    /// The key `name`.
    package init(_ name: String) { stringValue = name }
    /// The key `stringValue`.
    package init?(stringValue: String) { self.stringValue = stringValue }
    /// Report objects have no integer keys.
    package var intValue: Int? { nil }
    /// Report objects have no integer keys.
    package init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer {
    /// `number`, or `null` where it is NaN or infinite (JSON has neither).
    package mutating func encodeNumber(_ number: Double, forKey key: Key) throws {
        if number.isFinite { try encode(number, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

extension KeyedDecodingContainer {
    /// A number written by `encodeNumber`: `null` reads as NaN, a missing key as 0.
    package func decodeNumber(forKey key: Key) throws -> Double {
        guard contains(key) else { return 0 }
        return try decodeIfPresent(Double.self, forKey: key) ?? .nan
    }
}
