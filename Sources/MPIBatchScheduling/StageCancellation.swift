/// What a work source did with `mpibatch cancel --stage NAME`.
public enum StageCancellation: Sendable, Equatable {
    /// The stage is cancelled. Of its tasks, those in `handedOut` went to slots (the ones not
    /// back yet are cancelled where they are); those in `notHandedOut` never will be (the
    /// coordinator journals them `cancelled`, telling the source each is finished). Its
    /// dependents, `skipped` (transitively, in file order), never run.
    case cancelled(handedOut: Range<Int>, notHandedOut: [Range<Int>], skipped: [String])
    /// Nothing more to do (the stage was cancelled already); what to answer.
    case unchanged(String)
    /// Refused (no such stage, one already finished, a run that is not a stage graph); why.
    case refused(String)
}
