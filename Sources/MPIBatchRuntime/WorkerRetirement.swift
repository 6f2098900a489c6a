/// How a run's persistent workers end with the run (`TaskExecutor.retireWorkers`): each has
/// `graceSeconds` to exit once its task socket is closed, then its group is killed; a rank
/// waits for them at most `waitSeconds`, so a worker that holds a file (a dbt worker's DuckDB
/// database, its log) has closed it when `mpirun` returns.
public enum WorkerRetirement {
    /// The seconds a retired worker has to exit before its group is killed.
    public static let graceSeconds = 2.0
    /// The longest a rank waits for the workers it retired: their grace and a second.
    public static let waitSeconds = graceSeconds + 1
}
