import MPIBatchCore

extension JournalShards {
    /// The file name of node `node`'s shard of run part `part`: `n0003.p2.jsonl`.
    package static func shardName(node: Int, part: Int) -> String {
        let digits = String(node)
        return "n" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".p\(part).jsonl"
    }

    /// The path of node `node`'s shard of part `part` in the run directory `directory`.
    package static func path(node: Int, part: Int, in directory: String) -> String {
        directory + "/" + directoryName + "/" + shardName(node: node, part: part)
    }

    /// Whether the part that starts in `directory` on `nodes` nodes writes shards: it spans
    /// nodes, or an earlier part did (its lines must come after theirs, in journal order).
    package static func shardsPart(nodes: Int, in directory: String) -> Bool {
        nodes > 1 || exists(directory + "/" + directoryName)
    }

    /// Creates part `part`'s shard of each of `nodes` nodes, empty, in `directory`'s `journal/`
    /// (the run directory's file system, never a node's own disk), forced to disk, then adds
    /// their names to `journal/shards`: from then on each must be there. Returns their paths, by node.
    package static func create(part: Int, nodes: Int, in directory: String) throws(OutputError) -> [String] {
        let shardDirectory = directory + "/" + directoryName
        try OutputFile.makeDirectory(shardDirectory, runsOwn: 1)
        let names = (0..<nodes).map { shardName(node: $0, part: part) }
        for name in names { try OutputFile(appendingTo: shardDirectory + "/" + name).sync() }
        let list = try OutputFile(appendingTo: shardDirectory + "/" + listName)
        try list.write(Array(names.map { $0 + "\n" }.joined().utf8))
        try list.sync()
        return (0..<nodes).map { path(node: $0, part: part, in: directory) }
    }
}
