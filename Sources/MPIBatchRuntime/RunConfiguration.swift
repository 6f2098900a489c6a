import MPIBatchScheduling

/// How a run behaves: the `mpibatch run` options every rank shares.
public struct RunBehaviour: Sendable {
    /// How chunks are sized (`--chunk`).
    public var chunkPolicy: ChunkPolicy
    /// Stop at the first task that fails for good (`--fail-fast`).
    public var failFast: Bool
    /// Continue the run already in the output directory (`--resume`).
    public var resume: Bool
    /// Resume even though the job file changed (`--force`).
    public var force: Bool
    /// After a signal, how long running tasks may finish before they are cancelled (`--grace`).
    public var graceSeconds: Double
    /// Seconds from now after which no task is started that would not finish in time (`--deadline`);
    /// when launched through `MPILaunch`, nil means the Slurm job's end time inside one.
    public var deadlineSeconds: Double?
    /// A rank silent this long is given up on and the run fails (`--heartbeat-timeout`).
    public var heartbeatTimeoutSeconds: Double
    /// Whether rank 0 shows live progress on stderr (not with `--quiet`).
    public var showsProgress: Bool
    /// `--slots auto`: each rank starts with its cores' worth of slots and adds more while its
    /// tasks mostly wait, up to `maxSlots` (by default 4 × the node's cores).
    public var adaptiveSlots = false
    /// `--max-slots`: the cap of `--slots auto`, per rank.
    public var maxSlots: Int?
    /// `--retry-cancelled`: a resume runs again the tasks an earlier part journaled `cancelled`
    /// (by `mpibatch cancel`); without it they stay settled.
    public var retryCancelled = false
    /// `--bind cores` (or the job's `bind: cores`): each task pinned to CPUs of its own.
    public var bindCores = false
    /// Under `bindCores`, this rank's CPUs (`CoreBinding`), found as the run starts; nil: not pinned.
    package var boundCPUs: [Int]?
    /// `--gpus LIST`: the devices of every node, instead of what the ranks inherited (`GPUDiscovery`).
    public var gpus: String?

    /// Makes a behaviour; the defaults are `mpibatch run`'s.
    public init(
        chunkPolicy: ChunkPolicy = .auto, failFast: Bool = false, resume: Bool = false, force: Bool = false,
        graceSeconds: Double = 30, deadlineSeconds: Double? = nil,
        heartbeatTimeoutSeconds: Double = RunBehaviour.defaultHeartbeatTimeoutSeconds,
        showsProgress: Bool = false
    ) {
        self.chunkPolicy = chunkPolicy
        self.failFast = failFast
        self.resume = resume
        self.force = force
        self.graceSeconds = graceSeconds
        self.deadlineSeconds = deadlineSeconds
        self.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds
        self.showsProgress = showsProgress
    }

    /// Silence after which a rank is given up on, by default: short, so that a run that
    /// lost a node ends (journal and summary written) before Open MPI's keepalive
    /// takes the launch down (see `MPILauncher.graceSeconds`), yet five beats long.
    public static let defaultHeartbeatTimeoutSeconds = 5.0

    /// How often workers say they are alive: often enough that one lost beat never looks like silence.
    package var heartbeatSeconds: Double { min(1, heartbeatTimeoutSeconds / 4) }
}

/// One run: its name, its output directory, and how it behaves.
public struct RunConfiguration: Sendable {
    /// The job's name, for the summary.
    public var name: String
    /// Where `results.jsonl`, `summary.json` and `logs/` go (`--out`).
    public var outputDirectory: String
    /// The options every rank shares.
    public var behaviour: RunBehaviour
    /// This rank's node's GPUs and memory, when some task asks for them (`NodeLedger`).
    package var ledger: NodeLedger?
    /// On rank 0, every node's pools, when some task asks for GPUs or memory (for the summary's GPU occupancy).
    package var nodes: [NodeResources] = []
    /// Each rank's node, in rank order: the nodes numbered by their first ranks (rank 0's is 0).
    /// Empty (or all 0) on one node: the run's journal is `results.jsonl` alone.
    package var nodeOfRank: [Int] = []
    /// The part's number and start offset (added to every line's `start`: a resumed run's times
    /// follow the earlier parts'), the same on every rank, when the part writes a shard per node
    /// (each node's lowest rank writes its node's, `journal/nNNNN.pP.jsonl`); nil: rank 0 writes
    /// `results.jsonl`.
    package var shardedPart: (part: Int, startOffset: Double)?

    /// Makes a configuration.
    public init(name: String, outputDirectory: String, behaviour: RunBehaviour = RunBehaviour()) {
        self.name = name
        self.outputDirectory = outputDirectory
        self.behaviour = behaviour
    }
}
