import MPIBatchCore
import SystemPackage

/// The lines of a journal's final attempts (`FinalAttempts`), in index order, read back a
/// batch at a time: a batch's places are sorted by file and offset and read with one `pread`
/// per stretch of neighbouring lines (a chunk's lines lie together in its file), one file open
/// at a time, so memory stays at one batch and the reads stay few, whatever the journal's order.
enum FinalLines {
    /// Places read back at once, at most.
    static let batchPlaces = 4096
    /// Bytes of lines read back at once, at most (a longer line is read alone).
    static let batchBytes = 4 << 20
    /// Lines this close in the file are read with the bytes between them.
    static let gapBytes = 1024

    /// Calls `body` with each final attempt that `wanted` takes, and its line (valid only
    /// during the call), in index order.
    static func forEach(
        _ attempts: FinalAttempts, where wanted: (FinalAttempts.Place) -> Bool = { _ in true },
        _ body: (FinalAttempts.Place, UnsafeBufferPointer<UInt8>) throws(RunFileError) -> Void
    ) throws(RunFileError) {
        var batch: [FinalAttempts.Place] = []
        var bytes = 0
        var buffer: [UInt8] = []
        try attempts.forEach { (place) throws(RunFileError) in
            guard wanted(place) else { return }
            if !batch.isEmpty, batch.count >= batchPlaces || bytes + place.length > batchBytes {
                try read(batch, from: attempts.journal, into: &buffer, body)
                batch.removeAll(keepingCapacity: true)
                bytes = 0
            }
            batch.append(place)
            bytes += place.length
        }
        try read(batch, from: attempts.journal, into: &buffer, body)
    }

    /// Reads `batch`'s lines into `buffer` in stretches, then hands them to `body` in the batch's order.
    private static func read(
        _ batch: [FinalAttempts.Place], from journal: JournalShards, into buffer: inout [UInt8],
        _ body: (FinalAttempts.Place, UnsafeBufferPointer<UInt8>) throws(RunFileError) -> Void
    ) throws(RunFileError) {
        guard !batch.isEmpty else { return }
        let byOffset = batch.indices.sorted { (batch[$0].shard, batch[$0].offset) < (batch[$1].shard, batch[$1].offset) }
        var starts = [Int](repeating: 0, count: batch.count)  // where each place's line lies in `buffer`
        buffer.removeAll(keepingCapacity: true)
        var open: (shard: Int32, descriptor: FileDescriptor)?
        defer { try? open?.descriptor.close() }
        var first = 0
        while first < byOffset.count {
            let shard = batch[byOffset[first]].shard
            let path = journal.shards[Int(shard)].path
            let descriptor: FileDescriptor
            if let current = open, current.shard == shard {
                descriptor = current.descriptor
            } else {
                try? open?.descriptor.close()
                open = nil
                descriptor = try JournalFileReader.openForReading(path)
                open = (shard, descriptor)
            }
            // A stretch: places of one file whose lines are at most `gapBytes` apart.
            var end = batch[byOffset[first]].range.upperBound
            var last = first
            while last + 1 < byOffset.count, batch[byOffset[last + 1]].shard == shard,
                batch[byOffset[last + 1]].offset <= end + gapBytes
            {
                last += 1
                end = max(end, batch[byOffset[last]].range.upperBound)
            }
            let from = batch[byOffset[first]].offset
            let base = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: end - from))
            try pread(descriptor, into: &buffer, at: base, count: end - from, offset: from, path: path)
            for position in first...last { starts[byOffset[position]] = base + batch[byOffset[position]].offset - from }
            first = last + 1
        }
        try buffer.withUnsafeBufferPointer { (bytes) throws(RunFileError) in
            for (position, place) in batch.enumerated() {
                try body(place, UnsafeBufferPointer(rebasing: bytes[starts[position]..<(starts[position] + place.length)]))
            }
        }
    }

    private static func pread(
        _ journal: FileDescriptor, into buffer: inout [UInt8], at base: Int, count: Int, offset: Int, path: String
    ) throws(RunFileError) {
        var done = 0
        while done < count {
            let received: Int
            do {
                received = try buffer.withUnsafeMutableBytes {
                    try journal.read(
                        fromAbsoluteOffset: Int64(offset + done),
                        into: UnsafeMutableRawBufferPointer(rebasing: $0[(base + done)..<(base + count)]))
                }
            } catch {
                throw RunFileError(path: path, reason: "read: \(error)")
            }
            guard received > 0 else {
                throw RunFileError(path: path, reason: "became shorter while being read (cut by hand?): read it again")
            }
            done += received
        }
    }
}
