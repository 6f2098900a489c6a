import Foundation
import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files a run's journal is made of, found in one place for every reader: `results.jsonl`
/// (every part of a run that never ran on more than one node) and the per-node shards
/// `journal/nNNNN.pP.jsonl` (node N's lines of part P), listed in `journal/shards` and found
/// in `journal/`. See docs/how-it-works.md, "A journal per node".
///
/// `read` hands every complete line of every file to its handler, file after file, each line
/// with its place in journal order (`JournalOrder`): `results.jsonl` in file order, then the
/// shards' lines by part and dispatch sequence. A shard listed but missing (deleted by hand)
/// is an error naming it, unless the reader accepts the loss (`--resume --force`).
package struct JournalShards {
    /// One file of the journal.
    package struct Shard: Equatable {
        /// Its path.
        package var path: String
        /// Its part, from its name; 0 for `results.jsonl`, whose lines come before every shard's.
        package var part: Int
        /// Its node's number, from its name; 0 for `results.jsonl`.
        package var node: Int
    }

    /// The name of the journal of a run that never ran on more than one node.
    package static let singleName = "results.jsonl"
    /// The directory of the shards, in the run directory.
    package static let directoryName = "journal"
    /// The list of the shards that must be there, one name a line, in `directoryName`.
    package static let listName = "shards"

    /// The files to read, in journal order of their first lines: `results.jsonl`, then the
    /// shards by part and node.
    package let shards: [Shard]
    /// Shards the list names that are not there.
    package let missing: [String]
    /// Where `results.jsonl` is or would be: what an error about a run without a journal names.
    let singlePath: String

    /// The journal of the run in `directory`: `results.jsonl` if present, the listed shards and
    /// any other shard in `journal/`. A run without any is an error (no such file), and so is a
    /// listed shard that is missing unless `acceptingMissing`.
    package init(directory: String, acceptingMissing: Bool = false) throws(RunFileError) {
        singlePath = directory + "/" + Self.singleName
        let shardDirectory = directory + "/" + Self.directoryName
        var found: [Shard] = []
        if Self.exists(singlePath) { found.append(Shard(path: singlePath, part: 0, node: 0)) }
        var names = Set<String>()
        var listed: [String] = []
        if Self.exists(shardDirectory) {
            if Self.isLink(shardDirectory) {
                throw RunFileError(path: shardDirectory, reason: JournalFileReader.openFailure(ELOOP))
            }
            listed = try Self.list(shardDirectory + "/" + Self.listName)
            let present = (try? FileManager.default.contentsOfDirectory(atPath: shardDirectory)) ?? []
            names = Set(present.filter { Self.numbers(of: $0) != nil })
        }
        let missing = listed.filter { !names.contains($0) }
        if let first = missing.first, !acceptingMissing {
            throw RunFileError(
                path: shardDirectory + "/" + first,
                reason: "listed in \(Self.directoryName)/\(Self.listName) but missing (deleted by hand?): the results of its "
                    + "tasks are gone\(missing.count > 1 ? " (and \(missing.count - 1) more shards)" : ""); restore it, or "
                    + "pass --resume --force to run exactly its tasks again")
        }
        for name in names {
            guard let (node, part) = Self.numbers(of: name) else { continue }
            found.append(Shard(path: shardDirectory + "/" + name, part: part, node: node))
        }
        guard !found.isEmpty else {
            throw RunFileError(path: singlePath, reason: JournalFileReader.openFailure(ENOENT))
        }
        shards = found.sorted { ($0.part, $0.node, $0.path) < ($1.part, $1.node, $1.path) }
        self.missing = missing
    }

    /// A journal of one file at `path`, read as `results.jsonl` is (for `mpibatch-bench resume`).
    package init(file path: String) {
        singlePath = path
        shards = [Shard(path: path, part: 0, node: 0)]
        missing = []
    }

    /// The journal's name in messages: its one file, or its shards' directory.
    package var name: String {
        guard shards.count > 1, let last = shards.last?.path else { return shards.first?.path ?? singlePath }
        return String(last[..<(last.lastIndex(of: "/") ?? last.endIndex)])
    }

    /// Whether the run in `directory` has journaled anything yet: `results.jsonl` or `journal/` exists.
    package static func exist(in directory: String) -> Bool {
        exists(directory + "/" + singleName) || exists(directory + "/" + directoryName)
    }

    /// Drops `missing` from `journal/shards` in `directory`: their loss is accepted
    /// (`--resume --force`), so that the run's readers no longer ask for them.
    package func forgetMissing(in directory: String) throws(RunFileError) {
        guard !missing.isEmpty else { return }
        let path = directory + "/" + Self.directoryName + "/" + Self.listName
        let kept = try Self.list(path).filter { !missing.contains($0) }
        do {
            try OutputFile.replace(path, with: Array(kept.map { $0 + "\n" }.joined().utf8))
        } catch {
            throw RunFileError(writing: error)
        }
    }

    /// Calls `handle` with every complete line of every file, file after file, each line with
    /// its file (`Line.shard`, an index into `shards`) and its place in journal order. Returns
    /// each file's tail (a torn last line is never handed out).
    ///
    /// A shard's line without its `part` and `seq`, or of another part than its file's name
    /// says, is an error naming it.
    package func read(
        _ handle: (JournalFileReader.Line) throws(RunFileError) -> Void
    ) throws(RunFileError) -> [JournalFileReader.JournalTail] {
        var tails: [JournalFileReader.JournalTail] = []
        for (number, shard) in shards.enumerated() {
            tails.append(
                try JournalFileReader.read(path: shard.path) { (line) throws(RunFileError) in
                    var line = line
                    line.shard = number
                    line.order = try Self.order(of: line, in: shard)
                    try handle(line)
                })
        }
        return tails
    }

    /// Where `line` of `shard` lies in journal order, within its index's lines.
    private static func order(of line: JournalFileReader.Line, in shard: Shard) throws(RunFileError) -> UInt64 {
        guard shard.part > 0 else { return UInt64(line.offset) }  // results.jsonl: file order, before every shard
        guard let part = line.entry.part, let sequence = line.entry.sequence else {
            throw RunFileError(path: shard.path, line: line.number, reason: "a shard's line needs its \"part\" and \"seq\"")
        }
        guard part == shard.part, sequence >= 0, sequence < JournalOrder.sequenceLimit else {
            throw RunFileError(
                path: shard.path, line: line.number,
                reason: part == shard.part
                    ? "\"seq\" \(sequence) is out of range" : "\"part\" \(part) is not the part \(shard.part) its file's name says")
        }
        return JournalOrder.key(part: part, sequence: sequence)
    }

    /// The node and part a shard's file name says (`n0003.p2.jsonl`: 3 and 2); nil for any other name.
    static func numbers(of name: String) -> (node: Int, part: Int)? {
        guard name.hasPrefix("n"), name.hasSuffix(".jsonl") else { return nil }
        let middle = name.dropFirst().dropLast(".jsonl".count).split(separator: ".", omittingEmptySubsequences: false)
        guard middle.count == 2, middle[1].hasPrefix("p"), middle[0].allSatisfy(\.isASCIIDigit),
            let node = Int(middle[0]), let part = Int(middle[1].dropFirst()), middle[1].dropFirst().allSatisfy(\.isASCIIDigit),
            part > 0, part < JournalOrder.partLimit
        else { return nil }
        return (node, part)
    }

    /// The names `journal/shards` lists; none when it does not exist. A line that is not a
    /// shard's name is an error naming it.
    private static func list(_ path: String) throws(RunFileError) -> [String] {
        guard exists(path) else { return [] }
        let descriptor = try JournalFileReader.openForReading(path)
        let data: Data
        do {
            data = try FileHandle(fileDescriptor: descriptor.rawValue, closeOnDealloc: true).readToEnd() ?? Data()
        } catch {
            throw RunFileError(path: path, reason: "read: \(error)")
        }
        var names: [String] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            guard numbers(of: String(line)) != nil else {
                throw RunFileError(path: path, line: number + 1, reason: "not a shard's name (nNNNN.pP.jsonl): \(line)")
            }
            names.append(String(line))
        }
        return names
    }

    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    private static func isLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }
}

/// Journal order, as one number per line within its index: a line of `results.jsonl` by its
/// offset (part 0), a shard's line by its part and dispatch sequence number. Lines of equal
/// order (an attempt journaled twice) go by shard, then offset.
package enum JournalOrder {
    /// Parts are numbered below this (16 bits).
    static let partLimit = 1 << 16
    /// Dispatch sequence numbers are below this (48 bits).
    static let sequenceLimit = 1 << 48

    /// The order of a shard's line of `part` handed out by dispatch `sequence`.
    static func key(part: Int, sequence: Int) -> UInt64 {
        UInt64(part) << 48 | UInt64(sequence)
    }

    /// Whether the line at (`order`, `shard`, `offset`) comes before the other one in journal order.
    static func precedes(_ left: (order: UInt64, shard: Int, offset: Int), _ right: (order: UInt64, shard: Int, offset: Int)) -> Bool {
        (left.order, left.shard, left.offset) < (right.order, right.shard, right.offset)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
