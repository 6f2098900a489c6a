/// A side effect a `WorkSource` asks for: the source does no I/O itself (it runs under the
/// coordinator, on the communication thread); rank 0's driver carries these out elsewhere.
public enum SourceEffect: Sendable, Equatable {
    /// Write stage `stage`'s `value.json` (`bytes`, into the directory of the stage named
    /// `name`), then tell the source through `WorkSource.stageValueStored`: its dependents
    /// start only once the file is there.
    case storeStageValue(stage: Int, name: String, bytes: [UInt8])
    /// Expand stage `stage`'s run-time table (`RunTimeTable`), then tell the source its size
    /// through `WorkSource.stageExpanded`: the stage starts only then.
    case expandStage(stage: Int)
    /// Print a warning on stderr (`mpibatch: warning: …`).
    case warn(String)
}
