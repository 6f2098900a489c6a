import MPIBatchCore
import Synchronization

/// `--slots auto`: a rank starts with one slot per core it has and, while its tasks mostly
/// wait (the CPU its process and finished children used, per active slot, below
/// `waitingShare`) and each step up still raised its throughput, doubles its active slots,
/// up to `cap`. It stops growing when the tasks use the CPU (the rank's CPU per wall second
/// reaches its cores), when more slots no longer finish more tasks, or at the cap. Slots
/// beyond the active count exist from the start (the coordinator sized for the cap) but ask
/// for no work until they are activated.
package final class AdaptiveSlots: Sendable {
    /// Slots active at the start: the rank's cores.
    let initial: Int
    /// The most slots the rank may use.
    let cap: Int
    private let cores: Double
    private let active: Atomic<Int>
    private let finished = Atomic<Int>(0)
    private let decisions = Mutex<[String]>([])

    /// How often the controller looks.
    static let sampleSeconds = 0.5
    /// Per active slot, CPU per wall second below this means the tasks mostly wait.
    static let waitingShare = 0.5
    /// A step up must raise throughput by at least this factor to be followed by another.
    static let requiredGain = 1.1

    /// Starts with `initial` active slots of `cap`, on a rank with `cores` cores of its own.
    package init(initial: Int, cap: Int, cores: Double) {
        self.initial = max(1, min(initial, cap))
        self.cap = max(1, cap)
        self.cores = max(1, cores)
        active = Atomic(self.initial)
    }

    /// Slots active now.
    var activeSlots: Int { active.load(ordering: .acquiring) }

    /// Counts a finished task (for the throughput).
    func taskFinished() { finished.add(1, ordering: .relaxed) }

    /// Waits until `slot` is active (true), or until `isStopping()` (false).
    func waitUntilActive(_ slot: Int, isStopping: () -> Bool) async -> Bool {
        while slot >= activeSlots {
            if isStopping() || Task.isCancelled { return false }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return true
    }

    /// Watches and grows the active slots until cancelled; `cpuSeconds` reads the rank's CPU time.
    func control(cpuSeconds: () -> Double) async {
        var lastCPU = cpuSeconds()
        var lastTime = MonotonicClock.seconds()
        var lastFinished = 0
        var throughputBeforeStep: Double?
        var growing = true
        var settling = false
        while growing, !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(Self.sampleSeconds * 1e9))
            let now = MonotonicClock.seconds()
            let cpu = cpuSeconds()
            let done = finished.load(ordering: .relaxed)
            let wall = max(1e-9, now - lastTime)
            let cpuPerWall = (cpu - lastCPU) / wall
            let throughput = Double(done - lastFinished) / wall
            (lastCPU, lastTime, lastFinished) = (cpu, now, done)
            guard done > 0 else { continue }  // nothing measured yet
            if settling {
                settling = false  // the sample right after a step mixes before and after: not judged
                continue
            }
            let slots = activeSlots
            let perSlot = cpuPerWall / Double(slots)
            if let before = throughputBeforeStep, throughput < Self.requiredGain * before {
                note("stopped at \(slots): throughput \(NumberText.fixed(throughput, digits: 0))/s, not above the "
                    + "\(NumberText.fixed(before, digits: 0))/s before the last step")
                growing = false
            } else if perSlot >= Self.waitingShare || cpuPerWall >= 0.9 * cores {
                note("kept \(slots): tasks use the CPU (\(NumberText.fixed(perSlot, digits: 2)) CPU s per slot per second)")
                growing = false
            } else if slots >= cap {
                note("kept \(slots): the cap (--max-slots)")
                growing = false
            } else {
                let next = min(cap, slots * 2)
                note("grew \(slots) → \(next): tasks wait (\(NumberText.fixed(perSlot, digits: 2)) CPU s per slot per second), "
                    + "\(NumberText.fixed(throughput, digits: 0)) tasks/s")
                throughputBeforeStep = throughput
                settling = true
                active.store(next, ordering: .releasing)
            }
        }
    }

    /// What it decided, for the summary: `slots auto: 1 → 8 (…)`.
    func summary() -> String {
        let steps = decisions.withLock { $0 }
        return "slots auto: started at \(initial), used \(activeSlots) of at most \(cap)"
            + (steps.isEmpty ? "" : " (" + steps.joined(separator: "; ") + ")")
    }

    private func note(_ decision: String) { decisions.withLock { $0.append(decision) } }
}
