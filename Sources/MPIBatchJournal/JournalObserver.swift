/// Sees the lines the journal writes as it writes them, on the journal's thread: what the end
/// of a run would otherwise read back from the file (the reports' pass), gathered while the
/// run goes. Only lines that reached the file are shown, in the file's order.
package protocol JournalObserver: Sendable {
    /// `lines` were just written, in file order; their bytes are valid only during the call.
    func observe(_ lines: [JournalFileReader.Line])
}
