import Foundation

/// What mpibatch tells the person running it, on stderr: the one place that writes there.
/// Each call is one write of the whole text, so lines that ranks and threads write at once
/// do not interleave within a line.
package enum Diagnostics {
    /// `mpibatch: MESSAGE` and a newline (an error, or what a command has to say).
    package static func say(_ message: String) { write("mpibatch: " + message + "\n") }

    /// `mpibatch: warning: MESSAGE` and a newline: something went wrong, the run goes on.
    package static func warning(_ message: String) { write("mpibatch: warning: " + message + "\n") }

    /// `mpibatch: note: MESSAGE` and a newline: worth knowing, nothing wrong.
    package static func note(_ message: String) { write("mpibatch: note: " + message + "\n") }

    /// `text` exactly as given: the caller ends its lines (or redraws one in place).
    package static func write(_ text: String) { write(Data(text.utf8)) }

    /// `bytes` exactly as given (what a task printed, passed on).
    package static func write(_ bytes: Data) { FileHandle.standardError.write(bytes) }

    /// Whether stderr is a terminal (where a progress bar is redrawn in place).
    package static var isTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}
