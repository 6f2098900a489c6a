import Synchronization

/// A rank's cores as tokens, one per slot: a task of `cores: k` takes k of them at
/// once before it starts and gives them back when it ends, so the rank never runs
/// more than its slots' worth of cores. Under `--bind cores` the tokens are CPUs (the
/// rank's share of its affinity mask, `CoreBinding`): a task takes k of them, contiguous
/// in the mask where k free ones are, and is pinned to them.
///
/// Waiters are served strictly first come, first served: a wide task waiting for k
/// tokens is not overtaken by narrow ones (it cannot starve), and narrow ones behind
/// it wait only until it starts (they cannot starve either). A slot holds no token
/// while it waits, and every k is at most the pool's size (checked before the run),
/// so the head of the queue always gets its tokens once the running tasks end: no
/// deadlock.
final class CorePool: Sendable {
    private struct Waiter {
        let count: Int
        let continuation: CheckedContinuation<[Int], Never>
    }

    private struct State {
        var free: Int
        var waiters: [Waiter] = []
        var head = 0
        /// Bound pools: whether each of `cpus` is taken.
        var taken: [Bool]

        /// Takes `count` tokens: their CPUs in a bound pool (the first run of `count` free
        /// ones in mask order, else the first free ones), none otherwise.
        mutating func take(_ count: Int, of cpus: [Int]) -> [Int] {
            free -= count
            guard !cpus.isEmpty else { return [] }
            var run = 0
            for position in taken.indices {
                run = taken[position] ? 0 : run + 1
                if run == count { return mark(Array(position + 1 - count...position), of: cpus) }
            }
            return mark(Array(taken.indices.filter { !taken[$0] }.prefix(count)), of: cpus)
        }

        private mutating func mark(_ positions: [Int], of cpus: [Int]) -> [Int] {
            for position in positions { taken[position] = true }
            return positions.map { cpus[$0] }
        }
    }

    private let state: Mutex<State>
    /// How many tokens there are (the rank's slots, or its CPUs when bound).
    let size: Int
    /// The CPUs of a bound pool, in mask order; empty: tokens only.
    let cpus: [Int]

    /// A pool of `size` tokens.
    init(size: Int) {
        self.size = size
        cpus = []
        state = Mutex(State(free: size, taken: []))
    }

    /// A pool whose tokens are the CPUs `cpus` (`--bind cores`).
    init(cpus: [Int]) {
        self.cpus = cpus
        size = cpus.count
        state = Mutex(State(free: cpus.count, taken: Array(repeating: false, count: cpus.count)))
    }

    /// How many tasks wait for their tokens.
    var waiting: Int { state.withLock { $0.waiters.count - $0.head } }

    /// Waits until `count` tokens (at most `size`) are free and nobody queued earlier waits,
    /// then takes them; returns their CPUs in a bound pool (empty otherwise).
    @discardableResult
    func acquire(_ count: Int) async -> [Int] {
        precondition(count >= 1 && count <= size, "a task of \(count) cores on a rank of \(size) slots")
        return await withCheckedContinuation { (continuation: CheckedContinuation<[Int], Never>) in
            let granted = state.withLock { state -> [Int]? in
                if state.head == state.waiters.count, state.free >= count { return state.take(count, of: cpus) }
                state.waiters.append(Waiter(count: count, continuation: continuation))
                return nil
            }
            if let granted { continuation.resume(returning: granted) }
        }
    }

    /// Gives `count` tokens back and starts the waiters at the head of the queue that now fit.
    func release(_ count: Int) { release(count, cpus: []) }

    /// Gives back the tokens of a task that took `count` (its CPUs `taken` in a bound pool)
    /// and starts the waiters at the head of the queue that now fit.
    func release(_ count: Int, cpus taken: [Int]) {
        let ready = state.withLock { state -> [(Waiter, [Int])] in
            state.free += count
            for cpu in taken { if let position = cpus.firstIndex(of: cpu) { state.taken[position] = false } }
            var ready: [(Waiter, [Int])] = []
            while state.head < state.waiters.count, state.waiters[state.head].count <= state.free {
                let waiter = state.waiters[state.head]
                ready.append((waiter, state.take(waiter.count, of: cpus)))
                state.head += 1
            }
            if state.head == state.waiters.count {
                state.waiters.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return ready
        }
        for (waiter, granted) in ready { waiter.continuation.resume(returning: granted) }
    }
}
