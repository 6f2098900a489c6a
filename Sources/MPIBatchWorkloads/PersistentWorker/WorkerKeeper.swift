import MPIBatchCore
import MPIBatchRuntime
import Dispatch
import Synchronization

/// The idle persistent workers of a rank's stage graph, kept between the stages' tasks, so a
/// stage whose tasks name the same worker as an earlier stage's (`WorkerLaunch.identity`) on
/// the same slot takes that live worker instead of starting its own: an `mpibatch import dbt`
/// job's stages each run one dbt node, and its worker parses the project once per slot, not
/// once per stage.
///
/// A slot keeps at most `idlePerSlot` idle workers, one per identity; parking one more retires
/// the one idle the longest. It also keeps the worker spawned for the slot before its first task
/// (`WorkerSlot.prestart`), whose handshake is not read yet, for whichever stage's task comes
/// first to the slot naming that worker. The workers it keeps are retired at the end of the run
/// (`retireAll`), or when it goes.
final class WorkerKeeper: Sendable {
    /// The most idle workers a slot keeps (distinct identities); more retire the oldest.
    static let idlePerSlot = 4

    /// A worker with nothing sent, and the slot state that goes with it.
    struct Idle: @unchecked Sendable {  // handed from one slot to another under `idle`'s lock: one owner at a time
        /// The running worker.
        let process: WorkerProcess
        /// Its bytes read and not yet cut into frames (none: it had answered everything).
        let reader: WorkerFrameReader
        /// Bytes of its stdout and stderr already given to tasks.
        let consumed: [Int]
        /// What it said at its handshake it runs under.
        let environment: RunEnvironment?
        /// What it accepted at its handshake of what `hello` offered.
        let accepts: Set<String>
    }

    /// A worker spawned ahead of the slot's first task and sent its `hello`, its `ready` not read yet.
    struct Launched: @unchecked Sendable {  // handed to one slot under `launched`'s lock: one owner at a time
        /// The running worker.
        let process: WorkerProcess
        /// What it was started as (`WorkerLaunch.identity`).
        let identity: String
        /// When it was spawned, on the monotonic clock.
        let began: UInt64
    }

    /// By slot number: idle workers and their identities, the longest idle first.
    private let idle = Mutex<[Int: [(identity: String, worker: Idle)]]>([:])
    /// By slot number: the worker spawned ahead of the slot's first task.
    private let launched = Mutex<[Int: Launched]>([:])

    /// A keeper with no worker.
    init() {}

    /// Retires what it still keeps and waits until those are gone (`WorkerRetirement`): a
    /// worker may hold a file open until it exits (a dbt worker, a DuckDB database).
    deinit {
        let ended = DispatchGroup()
        retireAll(ended: ended)
        _ = ended.wait(timeout: .now() + WorkerRetirement.waitSeconds)
    }

    /// Retires every worker it keeps, idle or spawned ahead and never taken, all at once (each
    /// exits on its own), `ended` entered until each is gone: the run is over.
    func retireAll(ended: DispatchGroup) {
        let kept = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle.values.joined().map(\.worker.process)
        }
        let early = launched.withLock { launched in
            defer { launched.removeAll() }
            return launched.values.map(\.process)
        }
        for process in kept + early { process.retire(grace: WorkerRetirement.graceSeconds, ended: ended) }
    }

    /// Keeps `worker`, of `identity`, for slot `slot`'s later tasks; the slot's worker of the same
    /// identity kept before it, and its oldest when it keeps `idlePerSlot` others, are retired.
    func park(_ worker: Idle, slot: Int, identity: String) {
        let retired = idle.withLock { idle in
            var kept = idle[slot, default: []]
            var retired = kept.filter { $0.identity == identity }.map(\.worker)
            kept.removeAll { $0.identity == identity }
            if kept.count >= Self.idlePerSlot { retired.append(kept.removeFirst().worker) }
            kept.append((identity, worker))
            idle[slot] = kept
            return retired
        }
        for worker in retired { worker.process.retire() }
    }

    /// Slot `slot`'s idle worker of `identity`, taken out; nil when it keeps none.
    func take(slot: Int, identity: String) -> Idle? {
        idle.withLock { idle in
            guard let position = idle[slot]?.firstIndex(where: { $0.identity == identity }) else { return nil }
            return idle[slot]?.remove(at: position).worker
        }
    }

    /// Keeps the worker `spawn` starts as `identity` for slot `slot`'s first task that names
    /// it, unless the slot keeps one of that identity already; one of another identity (a
    /// launcher's guess of the rank before MPI started) is ended first.
    func launch(slot: Int, identity: String, spawn: () -> Launched?) {
        launched.withLock { launched in
            if let early = launched[slot] {
                guard early.identity != identity else { return }
                early.process.kill()
            }
            launched[slot] = spawn()
        }
    }

    /// Slot `slot`'s worker spawned ahead of its first task when it is of `identity`, taken out; nil otherwise.
    func takeLaunched(slot: Int, identity: String) -> Launched? {
        launched.withLock { launched in
            guard launched[slot]?.identity == identity else { return nil }
            return launched.removeValue(forKey: slot)
        }
    }

    /// How many idle workers slot `slot` keeps (for tests).
    func idleCount(slot: Int) -> Int { idle.withLock { $0[slot]?.count ?? 0 } }
}

/// How a stage's workers are shared with the graph's other stages: through `keeper`, by an
/// identity that leaves out what only names the stage (its variables and its directory as
/// the default `cwd:`). A worker serving several stages keeps the ones of the stage that started it.
struct StageWorkerSharing: Sendable {
    /// The graph's idle workers.
    let keeper: WorkerKeeper
    /// The environment variables that name the stage (`MPIBATCH_STAGE_NAME`, …).
    let stageVariables: Set<String>
    /// The stage's directory.
    let stageDirectory: String
}
