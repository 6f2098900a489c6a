/// What a node's ledger file holds: the tasks holding devices and memory, and those waiting,
/// first come, first served. Pure: `NodeLedger` reads it, changes it and writes it back under
/// a lock.
///
/// Only the first waiter may be granted, so a task waiting for two GPUs is not overtaken by
/// one-GPU tasks (it cannot starve), and every ask fits the node (checked before the run), so
/// the first waiter is granted once enough holders end: no deadlock.
struct LedgerState: Equatable {
    /// A task's hold: its process (a rank), its ticket, its memory and devices.
    struct Hold: Equatable {
        var pid: Int32
        var ticket: Int
        var memoryBytes: Int
        var devices: [String]
    }

    /// A task waiting: its process, its ticket (the queue's order) and what it asks.
    struct Wait: Equatable {
        var pid: Int32
        var ticket: Int
        var gpus: Int
        var memoryBytes: Int
    }

    var next = 1
    var holds: [Hold] = []
    var waits: [Wait] = []

    /// Drops the holds and waits of processes that are gone (a rank that crashed gives its devices back).
    mutating func purge(isAlive: (Int32) -> Bool) {
        var verdicts: [Int32: Bool] = [:]
        func alive(_ pid: Int32) -> Bool {
            if let known = verdicts[pid] { return known }
            let verdict = isAlive(pid)
            verdicts[pid] = verdict
            return verdict
        }
        holds.removeAll { !alive($0.pid) }
        waits.removeAll { !alive($0.pid) }
    }

    /// Queues an ask of `pid`; returns its ticket.
    mutating func enqueue(pid: Int32, gpus: Int, memoryBytes: Int) -> Int {
        let ticket = next
        next += 1
        waits.append(Wait(pid: pid, ticket: ticket, gpus: gpus, memoryBytes: memoryBytes))
        return ticket
    }

    /// Grants `ticket` when it heads the queue and fits what `devices` and `budget` leave
    /// (the lowest free devices, in the pool's order); nil when it must wait on.
    mutating func grant(_ ticket: Int, devices pool: [String], budget: Int) -> Hold? {
        guard let wait = waits.first, wait.ticket == ticket else { return nil }
        let used = Set(holds.flatMap(\.devices))
        let free = pool.filter { !used.contains($0) }
        let memoryUsed = holds.reduce(0) { $0 + $1.memoryBytes }
        guard free.count >= wait.gpus, wait.memoryBytes == 0 || memoryUsed + wait.memoryBytes <= budget else { return nil }
        let hold = Hold(pid: wait.pid, ticket: ticket, memoryBytes: wait.memoryBytes, devices: Array(free.prefix(wait.gpus)))
        waits.removeFirst()
        holds.append(hold)
        return hold
    }

    /// Ends `ticket`'s hold or wait.
    mutating func remove(_ ticket: Int) {
        holds.removeAll { $0.ticket == ticket }
        waits.removeAll { $0.ticket == ticket }
    }
}

extension LedgerState {
    /// The file's text: `next N`, then `hold PID TICKET BYTES DEVICES` and `wait PID TICKET GPUS BYTES` lines.
    var text: String {
        var lines = ["next \(next)"]
        for hold in holds {
            lines.append("hold \(hold.pid) \(hold.ticket) \(hold.memoryBytes) \(hold.devices.isEmpty ? "-" : hold.devices.joined(separator: ","))")
        }
        for wait in waits { lines.append("wait \(wait.pid) \(wait.ticket) \(wait.gpus) \(wait.memoryBytes)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads `text`; a line that does not parse (a torn write by a killed rank) is dropped.
    init(text: String) {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            switch (fields.first, fields.count) {
            case ("next", 2):
                next = max(next, Int(fields[1]) ?? 1)
            case ("hold", 5):
                guard let pid = Int32(fields[1]), let ticket = Int(fields[2]), let bytes = Int(fields[3]) else { continue }
                let devices = fields[4] == "-" ? [] : fields[4].split(separator: ",").map(String.init)
                holds.append(Hold(pid: pid, ticket: ticket, memoryBytes: bytes, devices: devices))
            case ("wait", 5):
                guard let pid = Int32(fields[1]), let ticket = Int(fields[2]), let gpus = Int(fields[3]), let bytes = Int(fields[4])
                else { continue }
                waits.append(Wait(pid: pid, ticket: ticket, gpus: gpus, memoryBytes: bytes))
            default:
                continue
            }
        }
        waits.sort { $0.ticket < $1.ticket }
    }
}
