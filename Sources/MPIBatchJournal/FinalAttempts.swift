import Foundation
import MPIBatchCore
import SystemPackage

/// Each index's final attempt in a journal: its first `ok` line if it has one, else its last
/// line — what `mpibatch results` and `mpibatch logs` show. A line whose `params` differ from
/// the index's earlier lines starts afresh: it is of a changed job resumed with `--force`,
/// and the earlier lines are history.
///
/// In index order and in bounded memory, however long the journal (an external merge sort):
/// the journal's files (`JournalShards`) are each in completion order, so one pass over them
/// keeps where each line lies (`Place`, 56 bytes, never the line), sorted by index then journal
/// order in runs of `runLength`; every full
/// run goes to a temporary file (unlinked as soon as it is made), and `forEach` merges the
/// runs, `mergeBuffer` places of each at a time. A journal of up to `runLength` lines is
/// sorted in memory and needs no file.
final class FinalAttempts {
    /// Where one journal line lies, and how that attempt ended.
    struct Place {
        /// The task's index.
        var index: Int
        /// The line's offset in its file.
        var offset: Int
        /// A hash of its `params` (within this process).
        var parameters: Int
        /// Its length, without the newline.
        var length: Int
        /// Its status.
        var status: TaskStatus
        /// Its file, an index into `JournalShards.shards` (beside `status`: the place stays 56 bytes).
        var shard: Int32
        /// What the reader's `tag` said of the line (0 without one).
        var tag: Int
        /// Its place in journal order within its index (`JournalOrder`).
        var order: UInt64

        /// The line's bytes in its file.
        var range: Range<Int> { offset..<(offset + length) }

        /// Index order, then journal order: an index's lines in the order they were journaled.
        static func precedes(_ left: Place, _ right: Place) -> Bool {
            left.index != right.index
                ? left.index < right.index
                : JournalOrder.precedes(
                    (left.order, Int(left.shard), left.offset), (right.order, Int(right.shard), right.offset))
        }
    }

    /// Lines sorted in memory before a run goes to the temporary file (12 MB of places).
    static let runLength = 1 << 18
    /// Places read from the temporary file at once, per run.
    static let mergeBuffer = 1 << 10

    /// The journal's files.
    let journal: JournalShards
    /// The runs in the temporary file, as ranges of places.
    private let spilled: [Range<Int>]
    /// The temporary file, once a run went to it.
    private let spill: FileDescriptor?
    /// The last run, sorted, kept in memory.
    private let last: [Place]

    /// Reads `journal` once, sorting where its lines lie; a run that does not fit goes to a
    /// temporary file in `temporaryDirectory`. `tag` says something of each line that its
    /// `Place` keeps.
    init(
        journal: JournalShards, runLength: Int = FinalAttempts.runLength,
        temporaryDirectory: String = FinalAttempts.temporaryDirectory, tag: ((JournalFileReader.Line) -> Int)? = nil
    ) throws(RunFileError) {
        self.journal = journal
        let path = journal.name
        var run: [Place] = []
        run.reserveCapacity(min(runLength, 1 << 12))
        var spilledPlaces = 0
        var spill: FileDescriptor?
        var spilled: [Range<Int>] = []
        _ = try journal.read { (line) throws(RunFileError) in
            run.append(Place(
                index: line.entry.index, offset: line.offset, parameters: line.parametersHash, length: line.bytes.count,
                status: line.entry.status, shard: Int32(line.shard), tag: tag?(line) ?? 0, order: line.order))
            guard run.count >= max(1, runLength) else { return }
            run.sort(by: Place.precedes)
            if spill == nil { spill = try Self.temporaryFile(in: temporaryDirectory, for: path) }
            try Self.write(run, to: spill!, at: spilledPlaces, directory: temporaryDirectory)
            spilled.append(spilledPlaces..<(spilledPlaces + run.count))
            spilledPlaces += run.count
            run.removeAll(keepingCapacity: true)
        }
        run.sort(by: Place.precedes)
        last = run
        self.spill = spill
        self.spilled = spilled
    }

    deinit { try? spill?.close() }

    /// Where temporary files go: `$TMPDIR`, else `/tmp`.
    static var temporaryDirectory: String {
        ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// Calls `body` with each index's final attempt, in index order.
    func forEach(_ body: (Place) throws(RunFileError) -> Void) throws(RunFileError) {
        let path = journal.name
        var cursors: [Cursor] = spilled.map { Cursor(file: $0) }
        cursors.append(Cursor(memory: last))
        var heads = MinHeap<Head>()
        for run in cursors.indices {
            if let place = try cursors[run].next(from: spill, path: path) { heads.insert(Head(place: place, run: run)) }
        }
        var current: Place?
        while let head = heads.popMin() {
            if let next = try cursors[head.run].next(from: spill, path: path) { heads.insert(Head(place: next, run: head.run)) }
            let place = head.place
            if let chosen = current, chosen.index != place.index {
                try body(chosen)
                current = nil
            }
            if let chosen = current, chosen.status == .ok, chosen.parameters == place.parameters { continue }
            current = place
        }
        if let current { try body(current) }
    }

    /// A run's next place in the merge.
    private struct Head: Comparable {
        var place: Place
        var run: Int

        static func < (left: Head, right: Head) -> Bool { Place.precedes(left.place, right.place) }
        static func == (left: Head, right: Head) -> Bool {
            left.place.index == right.place.index && left.place.shard == right.place.shard && left.place.offset == right.place.offset
        }
    }

    /// Reads one sorted run: from memory, or from the temporary file a buffer at a time.
    private struct Cursor {
        private var buffer: [Place]
        private var position = 0
        private var unread: Range<Int>

        init(memory: [Place]) {
            buffer = memory
            unread = 0..<0
        }

        init(file range: Range<Int>) {
            buffer = []
            unread = range
        }

        mutating func next(from spill: FileDescriptor?, path: String) throws(RunFileError) -> Place? {
            if position == buffer.count {
                guard let spill, !unread.isEmpty else { return nil }
                let count = min(FinalAttempts.mergeBuffer, unread.count)
                buffer = try FinalAttempts.read(count, at: unread.lowerBound, from: spill, path: path)
                unread = (unread.lowerBound + count)..<unread.upperBound
                position = 0
            }
            position += 1
            return buffer[position - 1]
        }
    }

    /// A new temporary file in `directory`, already unlinked: it goes when its descriptor closes.
    private static func temporaryFile(in directory: String, for path: String) throws(RunFileError) -> FileDescriptor {
        var template = Array((directory + "/mpibatch-sort.XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw RunFileError(
                path: directory,
                reason: "cannot make a temporary file to sort \(path) by index (\(String(cString: strerror(errno)))); "
                    + "set TMPDIR to a writable directory")
        }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        return FileDescriptor(rawValue: descriptor)
    }

    private static func write(_ run: [Place], to file: FileDescriptor, at place: Int, directory: String) throws(RunFileError) {
        do {
            _ = try run.withUnsafeBytes { try file.writeAll(toAbsoluteOffset: Int64(place * MemoryLayout<Place>.stride), $0) }
        } catch {
            throw RunFileError(path: directory, reason: "cannot write a temporary file to sort a journal by index: \(error)")
        }
    }

    private static func read(_ count: Int, at place: Int, from file: FileDescriptor, path: String) throws(RunFileError) -> [Place] {
        do {
            return try [Place](unsafeUninitializedCapacity: count) { buffer, initialized in
                let bytes = UnsafeMutableRawBufferPointer(buffer)
                var done = 0
                while done < bytes.count {
                    let received = try file.read(
                        fromAbsoluteOffset: Int64(place * MemoryLayout<Place>.stride + done),
                        into: UnsafeMutableRawBufferPointer(rebasing: bytes[done...]))
                    guard received > 0 else { throw Errno.ioError }
                    done += received
                }
                initialized = count
            }
        } catch {
            throw RunFileError(path: path, reason: "cannot read back the temporary file that sorts it by index: \(error)")
        }
    }
}

extension JournalFileReader.Line {
    /// A hash of the line's `params` (valid within this process): lines of one index whose
    /// hashes differ are of different work (a job changed and resumed with `--force`).
    var parametersHash: Int {
        var hasher = Hasher()
        if let params = entry.params { hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[params]))) }
        return hasher.finalize()
    }
}
