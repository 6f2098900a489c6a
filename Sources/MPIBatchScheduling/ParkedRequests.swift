/// Requests for chunks the coordinator could not serve yet, at most one per slot (a slot's
/// later requests add to its count), in two first-in first-out queues: slots with nothing in
/// hand, and busy slots (whose request is a prefetch). A slot moves from the busy queue to the
/// idle one when its last task is reported.
///
/// Entries leave the queues lazily: a queue keeps a slot's ordinal until it is reached and
/// skips it there if the slot was served, dropped or moved meanwhile, so every operation is
/// O(1) amortised, whatever the number of slots.
struct ParkedRequests {
    private enum Queue: UInt8 { case none, idle, busy }

    /// Chunks wanted by each slot (by global ordinal); 0 when it has no parked request.
    private var wanted: [Int]
    /// The queue each slot's parked request is live in.
    private var queueOf: [Queue]
    private var idleOrdinals = OrdinalQueue()
    private var busyOrdinals = OrdinalQueue()
    private var idleCount = 0
    private var busyCount = 0

    /// No parked request for any of `slots` slots.
    init(slots: Int) {
        wanted = Array(repeating: 0, count: slots)
        queueOf = Array(repeating: .none, count: slots)
    }

    /// How many slots wait in the idle (or busy) queue.
    func count(idle: Bool) -> Int { idle ? idleCount : busyCount }

    /// Parks `chunks` more chunks for slot `ordinal`, in the idle queue if it has nothing in hand.
    mutating func park(_ ordinal: Int, chunks: Int, idle: Bool) {
        wanted[ordinal] += chunks
        move(ordinal, to: idle ? .idle : .busy)
    }

    /// Slot `ordinal` has nothing in hand any more: a parked prefetch becomes an idle slot's request.
    mutating func becameIdle(_ ordinal: Int) {
        if queueOf[ordinal] == .busy { move(ordinal, to: .idle) }
    }

    /// Forgets slot `ordinal`'s request (its rank is lost).
    mutating func drop(_ ordinal: Int) {
        move(ordinal, to: .none)
        wanted[ordinal] = 0
    }

    /// Takes the longest-waiting request of the idle (or busy) queue: its slot and chunk count.
    mutating func next(idle: Bool) -> (ordinal: Int, chunks: Int)? {
        let queue: Queue = idle ? .idle : .busy
        while let ordinal = idle ? idleOrdinals.popFirst() : busyOrdinals.popFirst() {
            guard queueOf[ordinal] == queue else { continue }  // moved or served since it was queued
            let chunks = wanted[ordinal]
            drop(ordinal)
            return (ordinal, chunks)
        }
        return nil
    }

    /// Forgets every request (the run is stopping).
    mutating func removeAll() {
        self = ParkedRequests(slots: wanted.count)
    }

    private mutating func move(_ ordinal: Int, to queue: Queue) {
        let from = queueOf[ordinal]
        guard from != queue else { return }
        switch from {
        case .idle: idleCount -= 1
        case .busy: busyCount -= 1
        case .none: break
        }
        queueOf[ordinal] = queue
        switch queue {
        case .idle:
            idleCount += 1
            idleOrdinals.append(ordinal)
        case .busy:
            busyCount += 1
            busyOrdinals.append(ordinal)
        case .none: break
        }
    }
}

/// A first-in first-out queue of slot ordinals: an array and a head that is compacted away.
private struct OrdinalQueue {
    private var items: [Int] = []
    private var head = 0

    mutating func append(_ ordinal: Int) { items.append(ordinal) }

    mutating func popFirst() -> Int? {
        guard head < items.count else { return nil }
        let first = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return first
    }
}
