/// mpibatch's version, as `mpibatch --version` prints it.
public enum MPIBatchVersion {
    /// `MAJOR.MINOR.PATCH`; raised with each release of the command line and the job file format.
    public static let current = "0.5.0"
}
