import MPIBatchCore

/// Reads a finished run's `summary.json` back, for `mpibatch report DIR`.
public enum RunReport {
    /// The human summary of the run in `directory`.
    public static func render(directory: String) throws(RunFileError) -> String {
        try load(directory: directory).humanText(directory: directory)
    }

    /// The summary stored in `directory/summary.json`.
    public static func load(directory: String) throws(RunFileError) -> RunSummary {
        try ReportCoding.read(
            RunSummary.self, from: directory + "/summary.json", missing: "no such file (is this a run's output directory?)")
    }
}
