import MPIBatchCore

/// What ranks say to each other during a run. Workers talk to the coordinator
/// on rank 0 (rank 0's own worker included); the coordinator answers. In a part that spans
/// nodes, a worker off rank 0's node talks to its node's writer (`NodeWriter`), which
/// journals its results and relays its messages to the coordinator (`relayed`).
package enum RuntimeMessage: Sendable, Equatable {
    /// Worker → coordinator: send `chunks` more chunks to `slot`.
    case request(slot: Int, chunks: Int)
    /// Worker → coordinator: finished attempts of `slot`; `wantsMore` doubles as a request for one chunk.
    case results(slot: Int, records: [TaskRecord], wantsMore: Bool)
    /// Worker → coordinator, after `stop`: this rank has sent everything and will send nothing more.
    case done(RankReport)
    /// Worker → coordinator: this rank got a signal or reached the deadline; stop handing out
    /// work and drain, the run ending resumable for `reason` (the summary's stop reason).
    case interrupt(reason: String)
    /// Worker → coordinator, at the start and every few seconds: this rank (on `host`) is alive.
    case heartbeat(host: String)
    /// Node writer → coordinator, once a heartbeat period: the ranks of its node (on `host`)
    /// that said they are alive since its last (itself first): one message per node, not per rank.
    case heartbeats(host: String, ranks: [Int])
    /// Node writer → coordinator: `message` (coordinator-bound) of rank `from`, a rank of the
    /// writer's node (itself included). A writer sends its ranks' results as `finished`; a
    /// relayed `results` would be taken as journaled already, in the node's shard.
    indirect case relayed(from: Int, RuntimeMessage)
    /// Node writer → coordinator: what rank 0 needs of attempts its node's ranks finished and the
    /// writer journaled, per slot (`NodeResults`): successes counted, the attempts it needs one
    /// by one, whether the slot asks for one more chunk. One message per chunk that ends (and
    /// one a heartbeat period for what waits), not one per task.
    case finished([SlotOutcome])
    /// Node writer → one of its node's ranks: its heartbeat reached the writer, which sends it on
    /// with its own (`heartbeats`). A rank whose last heartbeat went unanswered beats to rank 0
    /// as well (`WriterWatch`): a hung or stopped writer does not silence its node's other ranks.
    case heard
    /// Node writer → coordinator: its node's shard can no longer be written (`reason` names
    /// it): the run stops at once, as when rank 0's journal fails.
    case abort(reason: String)
    /// Coordinator → worker: run `chunk` on `slot`.
    case assign(slot: Int, chunk: Chunk)
    /// Coordinator → worker: start no more tasks, drop what is queued, let running tasks
    /// finish for up to `graceSeconds` (then cancel them), report, and end.
    case stop(graceSeconds: Double)
    /// Coordinator → worker: an early stop (`stop_when:`, `race:`), or `mpibatch cancel`
    /// (`byUser`), ended the tasks of `range`: cancel those running (a command's process group
    /// is killed as on a timeout) and drop those held, reporting each as `cancelled` for that
    /// reason (`TaskRecord.cancelledByEarlyStop`, `.cancelledByUser`), which its journal line says.
    case cancel(Range<Int>, byUser: Bool)
}

/// A rank's last word: what the coordinator cannot see from the results alone.
package struct RankReport: Sendable, Equatable {
    /// The node the rank ran on.
    package var host: String
    /// CPU seconds the rank's process used (user + system).
    package var cpuSeconds: Double
    /// Slots it used (fewer than it had under `--slots auto`); 0: all it had.
    package var slotsUsed = 0
    /// What `--slots auto` decided, for the summary; empty otherwise.
    package var slotsNote = ""
    /// A node writer's last word on its shard: the write that failed (empty: none) and how
    /// many successful attempts of its node it left unwritten (they run again on `--resume`).
    package var shardFailure = ""
    /// See `shardFailure`.
    package var unwrittenSucceeded = 0

    /// Every stored property, as the memberwise initializer had it (another target builds it).
    package init(
        host: String, cpuSeconds: Double, slotsUsed: Int = 0, slotsNote: String = "", shardFailure: String = "",
        unwrittenSucceeded: Int = 0
    ) {
        self.host = host
        self.cpuSeconds = cpuSeconds
        self.slotsUsed = slotsUsed
        self.slotsNote = slotsNote
        self.shardFailure = shardFailure
        self.unwrittenSucceeded = unwrittenSucceeded
    }
}

extension RuntimeMessage {
    private enum Kind: UInt8 { case request = 1, results, done, assign, stop, interrupt, heartbeat, cancel, relayed, abort, heartbeats, finished, heard }

    /// The message as bytes for the transport.
    package func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: bytesEstimate)
        encode(into: &writer)
        return writer.bytes
    }

    /// About how many bytes the message takes (a results message's records about 48 each).
    private var bytesEstimate: Int {
        switch self {
        case .results(_, let records, _): 24 + records.count * 48
        case .relayed(_, let message): 16 + message.bytesEstimate
        case .finished(let outcomes): 16 + outcomes.reduce(0) { $0 + 80 + $1.records.count * 48 }
        default: 64
        }
    }

    private func encode(into writer: inout ByteWriter) {
        switch self {
        case .request(let slot, let chunks):
            writer.write(Kind.request.rawValue)
            writer.write(slot)
            writer.write(chunks)
        case .results(let slot, let records, let wantsMore):
            writer.write(Kind.results.rawValue)
            writer.write(slot)
            writer.write(UInt8(wantsMore ? 1 : 0))
            writer.write(records.count)
            for record in records { record.encode(into: &writer) }
        case .done(let report):
            writer.write(Kind.done.rawValue)
            writer.write(report.host)
            writer.write(report.cpuSeconds)
            writer.write(report.slotsUsed)
            writer.write(report.slotsNote)
            writer.write(report.shardFailure)
            writer.write(report.unwrittenSucceeded)
        case .assign(let slot, let chunk):
            writer.write(Kind.assign.rawValue)
            writer.write(slot)
            writer.write(chunk.start)
            writer.write(chunk.end)
            writer.write(chunk.attempt)
            writer.write(chunk.sequence)
        case .stop(let graceSeconds):
            writer.write(Kind.stop.rawValue)
            writer.write(graceSeconds)
        case .interrupt(let reason):
            writer.write(Kind.interrupt.rawValue)
            writer.write(reason)
        case .heartbeat(let host):
            writer.write(Kind.heartbeat.rawValue)
            writer.write(host)
        case .cancel(let range, let byUser):
            writer.write(Kind.cancel.rawValue)
            writer.write(range.lowerBound)
            writer.write(range.upperBound)
            writer.write(UInt8(byUser ? 1 : 0))
        case .relayed(let origin, let message):
            writer.write(Kind.relayed.rawValue)
            writer.write(origin)
            message.encode(into: &writer)
        case .abort(let reason):
            writer.write(Kind.abort.rawValue)
            writer.write(reason)
        case .heartbeats(let host, let ranks):
            writer.write(Kind.heartbeats.rawValue)
            writer.write(host)
            writer.write(ranks.count)
            for rank in ranks { writer.write(rank) }
        case .heard:
            writer.write(Kind.heard.rawValue)
        case .finished(let outcomes):
            writer.write(Kind.finished.rawValue)
            writer.write(outcomes.count)
            for outcome in outcomes { outcome.encode(into: &writer) }
        }
    }

    /// Decodes bytes that `source` sent.
    package init(decoding bytes: [UInt8], from source: Int) throws(MessageDecodingError) {
        var reader = ByteReader(bytes)
        self = try Self.decode(&reader, byteCount: bytes.count, from: source)
        guard reader.isAtEnd else { throw MessageDecodingError(reason: "trailing bytes in a message from rank \(source)") }
    }

    /// Decodes one message from `reader` (of a message of `byteCount` bytes) that `source` sent.
    private static func decode(_ reader: inout ByteReader, byteCount: Int, from source: Int) throws(MessageDecodingError) -> Self {
        let tag = try reader.readByte()
        switch Kind(rawValue: tag) {
        case .request:
            return .request(slot: try reader.readInt(), chunks: try reader.readInt())
        case .results:
            let slot = try reader.readInt()
            let wantsMore = try reader.readByte() != 0
            let count = try reader.readInt()
            guard count >= 0, count <= byteCount else {
                throw MessageDecodingError(reason: "results message claims \(count) records")
            }
            var records: [TaskRecord] = []
            records.reserveCapacity(count)
            for _ in 0..<count { records.append(try TaskRecord(decoding: &reader, rank: source, slot: slot)) }
            return .results(slot: slot, records: records, wantsMore: wantsMore)
        case .done:
            return .done(RankReport(
                host: try reader.readString(), cpuSeconds: try reader.readDouble(), slotsUsed: try reader.readInt(),
                slotsNote: try reader.readString(), shardFailure: try reader.readString(), unwrittenSucceeded: try reader.readInt()))
        case .assign:
            let slot = try reader.readInt()
            return .assign(
                slot: slot,
                chunk: Chunk(
                    start: try reader.readInt(), end: try reader.readInt(), attempt: try reader.readInt(), sequence: try reader.readInt()))
        case .stop:
            return .stop(graceSeconds: try reader.readDouble())
        case .interrupt:
            return .interrupt(reason: try reader.readString())
        case .heartbeat:
            return .heartbeat(host: try reader.readString())
        case .cancel:
            let lower = try reader.readInt()
            let upper = try reader.readInt()
            guard lower <= upper else { throw MessageDecodingError(reason: "cancel message with range \(lower)..<\(upper)") }
            return .cancel(lower..<upper, byUser: try reader.readByte() != 0)
        case .relayed:
            let origin = try reader.readInt()
            guard origin >= 0, origin <= Int(Int32.max) else { throw MessageDecodingError(reason: "a message relayed from rank \(origin)") }
            let message = try decode(&reader, byteCount: byteCount, from: origin)
            if case .relayed = message { throw MessageDecodingError(reason: "a message relayed twice, by rank \(source)") }
            return .relayed(from: origin, message)
        case .abort:
            return .abort(reason: try reader.readString())
        case .heartbeats:
            let host = try reader.readString()
            let count = try reader.readInt()
            guard count >= 0, count <= byteCount / 8 else { throw MessageDecodingError(reason: "heartbeats message claims \(count) ranks") }
            var ranks: [Int] = []
            ranks.reserveCapacity(count)
            for _ in 0..<count {
                let rank = try reader.readInt()
                guard rank >= 0, rank <= Int(Int32.max) else { throw MessageDecodingError(reason: "a heartbeat of rank \(rank)") }
                ranks.append(rank)
            }
            return .heartbeats(host: host, ranks: ranks)
        case .finished:
            let count = try reader.readInt()
            guard count >= 0, count <= byteCount / 64 else { throw MessageDecodingError(reason: "finished message claims \(count) slots") }
            var outcomes: [SlotOutcome] = []
            outcomes.reserveCapacity(count)
            for _ in 0..<count { outcomes.append(try SlotOutcome(decoding: &reader, byteCount: byteCount)) }
            return .finished(outcomes)
        case .heard:
            return .heard
        case nil:
            throw MessageDecodingError(reason: "unknown message kind \(tag) from rank \(source)")
        }
    }
}

extension SlotOutcome {
    /// Its records' rank and slot are not written: the outcome's carry them.
    fileprivate func encode(into writer: inout ByteWriter) {
        writer.write(rank)
        writer.write(slot)
        writer.write(UInt8(wantsMore ? 1 : 0))
        for count in [succeeded.count, succeeded.lastIndex, succeeded.maxRSSBytes] { writer.write(count) }
        for seconds in [succeeded.seconds, succeeded.coreSeconds, succeeded.gpuSeconds] { writer.write(seconds) }
        writer.write(records.count)
        for record in records { record.encode(into: &writer) }
    }

    fileprivate init(decoding reader: inout ByteReader, byteCount: Int) throws(MessageDecodingError) {
        let rank = try reader.readInt()
        let slot = try reader.readInt()
        guard rank >= 0, rank <= Int(Int32.max), slot >= 0, slot <= Int(Int32.max) else {
            throw MessageDecodingError(reason: "an outcome of rank \(rank), slot \(slot)")
        }
        self.init(rank: rank, slot: slot)
        wantsMore = try reader.readByte() != 0
        (succeeded.count, succeeded.lastIndex, succeeded.maxRSSBytes) = (try reader.readInt(), try reader.readInt(), try reader.readInt())
        (succeeded.seconds, succeeded.coreSeconds, succeeded.gpuSeconds) =
            (try reader.readDouble(), try reader.readDouble(), try reader.readDouble())
        let count = try reader.readInt()
        guard succeeded.count >= 0, count >= 0, count <= byteCount else {
            throw MessageDecodingError(reason: "an outcome claims \(succeeded.count) successes and \(count) records")
        }
        records.reserveCapacity(count)
        for _ in 0..<count { records.append(try TaskRecord(decoding: &reader, rank: rank, slot: slot)) }
    }
}

extension TaskRecord {
    /// Rank and slot are not written: the message's source and header carry them.
    fileprivate func encode(into writer: inout ByteWriter) {
        writer.write(index)
        writer.write(UInt32(attempt))
        writer.write(status.rawValue | (gpus == nil ? 0 : Self.hasDevices) | (sequence == 0 ? 0 : Self.hasSequence))
        writer.write(start)
        writer.write(seconds)
        value.encode(into: &writer)
        if let error {
            writer.write(UInt8(1))
            writer.write(error)
        } else {
            writer.write(UInt8(0))
        }
        var present = Present()
        if startedAt != nil { present.insert(.startedAt) }
        if exitCode != nil { present.insert(.exitCode) }
        if signal != nil { present.insert(.signal) }
        if usage != nil { present.insert(.usage) }
        if usage?.maxRSSBytes != nil { present.insert(.maxRSS) }
        if workerStartSeconds != nil { present.insert(.workerStart) }
        switch log {
        case .rankFiles: present.insert(.rankFiles)
        case .taskFiles: present.insert(.taskFiles)
        case nil: break
        }
        writer.write(present.rawValue)
        if let startedAt { writer.write(startedAt) }
        if let exitCode { writer.write(UInt32(bitPattern: exitCode)) }
        if let signal { writer.write(UInt32(bitPattern: signal)) }
        if let usage {
            writer.write(usage.cpuSeconds)
            if let maxRSSBytes = usage.maxRSSBytes { writer.write(maxRSSBytes) }
        }
        if let workerStartSeconds { writer.write(workerStartSeconds) }
        switch log {
        case .rankFiles(let stdout, let stderr):
            for span in [stdout, stderr] {
                writer.write(span.offset)
                writer.write(span.length)
                writer.write(span.dropped)
            }
        case .taskFiles(let stdout, let stderr):
            writer.write(stdout)
            writer.write(stderr)
        case nil: break
        }
        if let gpus { writer.write(gpus) }
        if sequence != 0 { writer.write(sequence) }
    }

    /// Set in the status byte when the record's devices (`gpus`) end it: records of tasks
    /// that ask for none stay as long as they were.
    private static let hasDevices: UInt8 = 0x80
    /// Set in the status byte when the record's dispatch sequence number (`sequence`, only in a
    /// sharded part) ends it, after its devices.
    private static let hasSequence: UInt8 = 0x40

    /// Which optional fields follow a record's fixed ones.
    private struct Present: OptionSet {
        let rawValue: UInt8
        static let startedAt = Present(rawValue: 1)
        static let exitCode = Present(rawValue: 2)
        static let signal = Present(rawValue: 4)
        static let rankFiles = Present(rawValue: 8)
        static let taskFiles = Present(rawValue: 16)
        static let usage = Present(rawValue: 32)
        static let maxRSS = Present(rawValue: 64)
        static let workerStart = Present(rawValue: 128)
    }

    fileprivate init(decoding reader: inout ByteReader, rank: Int, slot: Int) throws(MessageDecodingError) {
        let index = try reader.readInt()
        let attempt = Int(try reader.readUInt32())
        let statusByte = try reader.readByte()
        let rawStatus = statusByte & ~(Self.hasDevices | Self.hasSequence)
        guard let status = TaskStatus(rawValue: rawStatus) else {
            throw MessageDecodingError(reason: "unknown task status \(rawStatus)")
        }
        let start = try reader.readDouble()
        let seconds = try reader.readDouble()
        let value = try TaskValue(decoding: &reader)
        let error = try reader.readByte() != 0 ? try reader.readString() : nil
        let present = Present(rawValue: try reader.readByte())
        let startedAt = present.contains(.startedAt) ? try reader.readDouble() : nil
        let exitCode = present.contains(.exitCode) ? Int32(bitPattern: try reader.readUInt32()) : nil
        let signal = present.contains(.signal) ? Int32(bitPattern: try reader.readUInt32()) : nil
        var usage: TaskUsage?
        if present.contains(.usage) {
            let cpuSeconds = try reader.readDouble()
            usage = TaskUsage(cpuSeconds: cpuSeconds, maxRSSBytes: present.contains(.maxRSS) ? try reader.readInt() : nil)
        }
        let workerStartSeconds = present.contains(.workerStart) ? try reader.readDouble() : nil
        var log: TaskLog?
        if present.contains(.rankFiles) {
            var spans: [LogSpan] = []
            for _ in 0..<2 {
                spans.append(LogSpan(offset: try reader.readInt(), length: try reader.readInt(), dropped: try reader.readInt()))
            }
            log = .rankFiles(stdout: spans[0], stderr: spans[1])
        } else if present.contains(.taskFiles) {
            log = .taskFiles(stdout: try reader.readString(), stderr: try reader.readString())
        }
        self.init(
            index: index, attempt: attempt, status: status, rank: rank, slot: slot, start: start, seconds: seconds,
            value: value, error: error, startedAt: startedAt, exitCode: exitCode, signal: signal, log: log, usage: usage)
        self.workerStartSeconds = workerStartSeconds
        if statusByte & Self.hasDevices != 0 { gpus = try reader.readString() }
        if statusByte & Self.hasSequence != 0 { sequence = try reader.readInt() }
    }
}

extension TaskValue {
    fileprivate func encode(into writer: inout ByteWriter) {
        switch self {
        case .none:
            writer.write(UInt8(0))
        case .number(let number):
            writer.write(UInt8(1))
            writer.write(number)
        case .numbers(let numbers):
            writer.write(UInt8(2))
            writer.write(numbers.count)
            for number in numbers { writer.write(number) }
        case .text(let text):
            writer.write(UInt8(3))
            writer.write(text)
        case .json(let json):
            writer.write(UInt8(4))
            writer.write(json)
        }
    }

    fileprivate init(decoding reader: inout ByteReader) throws(MessageDecodingError) {
        let tag = try reader.readByte()
        switch tag {
        case 0: self = .none
        case 1: self = .number(try reader.readDouble())
        case 2:
            let count = try reader.readInt()
            guard count >= 0, count < 1 << 24 else { throw MessageDecodingError(reason: "value claims \(count) numbers") }
            var numbers: [Double] = []
            numbers.reserveCapacity(count)
            for _ in 0..<count { numbers.append(try reader.readDouble()) }
            self = .numbers(numbers)
        case 3: self = .text(try reader.readString())
        case 4: self = .json(try reader.readString())
        default: throw MessageDecodingError(reason: "unknown value kind \(tag)")
        }
    }
}
