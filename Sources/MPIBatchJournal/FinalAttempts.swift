import MPIBatchCore

/// Each index's final attempt in a journal: its first `ok` line if it has one, else its last
/// line — what `mpibatch results` and `mpibatch logs` show. A line whose `params` differ from
/// the index's earlier lines starts afresh: it is of a changed job resumed with `--force`,
/// and the earlier lines are history. Only where each line lies is
/// kept, not the line, so memory grows by a few words per task, not by the journal's size.
struct FinalAttempts {
    /// Where an index's final line lies in the journal, and how that attempt ended.
    struct Place {
        /// The line's offset in the file.
        var offset: Int
        /// Its length, without the newline.
        var length: Int
        /// Its status.
        var status: TaskStatus
        /// A hash of its `params` (within this process).
        var parameters: Int

        /// The line's bytes in the file.
        var range: Range<Int> { offset..<(offset + length) }
    }

    /// The final line of each index that has one.
    private(set) var places: [Int: Place] = [:]

    /// The final attempts of the journal at `path`.
    static func read(path: String) throws(RunFileError) -> FinalAttempts {
        var attempts = FinalAttempts()
        _ = try JournalFileReader.read(path: path) { line in attempts.consider(line) }
        return attempts
    }

    /// Takes the journal's next line.
    mutating func consider(_ line: JournalFileReader.Line) {
        let index = line.entry.index
        let parameters = line.parametersHash
        if let place = places[index], place.status == .ok, place.parameters == parameters { return }
        places[index] = Place(offset: line.offset, length: line.bytes.count, status: line.entry.status, parameters: parameters)
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
