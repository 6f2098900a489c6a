/// Writes a task's parameters for its journal line: what the journal needs of a workload.
public protocol ParameterFormatter: Sendable {
    /// Writes task `index`'s parameters as a JSON object.
    func writeParameters(of index: Int, to json: inout JSONWriter)
}
