import CMPI

/// An MPI call that returned something other than `MPI_SUCCESS`.
public struct MPIError: Error, CustomStringConvertible, Sendable {
    /// The MPI error code the call returned.
    public let code: Int32
    /// The MPI function that failed, e.g. `MPI_Send`.
    public let function: String
    /// The library's own text for `code` (from `MPI_Error_string`).
    public let message: String

    /// `MPI_Send failed (code 5): MPI_ERR_RANK: invalid rank`.
    public var description: String { "\(function) failed (code \(code)): \(message)" }
}

/// The one place every MPI return code is checked: success passes, anything
/// else becomes an `MPIError` carrying the library's error string.
@inline(__always)
func check(_ code: Int32, _ function: @autoclosure () -> String) throws(MPIError) {
    guard code != MPI_SUCCESS else { return }
    throw MPIError(code: code, function: function(), message: errorString(code))
}

private func errorString(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
    var length: Int32 = 0
    guard MPI_Error_string(code, &buffer, &length) == MPI_SUCCESS else { return "unknown MPI error" }
    return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
