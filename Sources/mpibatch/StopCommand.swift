import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch stop DIR [--now]`: drains a running run from another shell (as SIGUSR1 does).
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a running run from another shell: it drains and exits 3, resumable with --resume.",
        discussion: """
            Appends a request to DIR/control.jsonl and waits for rank 0's answer in DIR/status.json. \
            Exit status 0 answered, 1 no answer within --timeout, 2 no live run in DIR (or it cannot be written).
            """)

    @Argument(help: "A running run's output directory.")
    var directory: String

    @Flag(help: "Also cancel running tasks at once (journaled interrupted: --resume runs them again).")
    var now = false

    @Option(help: "Seconds to wait for the run's answer.")
    var timeout: Double = 10

    func validate() throws { try RunControlCommand.validate(timeout: timeout) }

    func run() async throws {
        try RunControlCommand.send(ControlRequest(.stop(now: now)), to: directory, timeoutSeconds: timeout)
    }
}

/// What `stop` and `cancel` share: send, print the answer, exit by it.
enum RunControlCommand {
    /// Refuses a `--timeout` that is not a number of seconds up to a day.
    static func validate(timeout: Double) throws {
        guard timeout.isFinite, timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout: between 0 and 86400 seconds") }
    }

    /// Sends `request` to the run in `directory`; prints rank 0's answer; exits 2 when refused.
    static func send(_ request: ControlRequest, to directory: String, timeoutSeconds: Double) throws {
        do {
            let answer = try RunControl.send(request, to: directory, timeoutSeconds: timeoutSeconds)
            print("\(directory): \(answer.outcome)")
            if answer.refused { throw ExitCode(2) }
        } catch let error as RunControlError {
            Diagnostics.say("\(error)")
            throw ExitCode(error.exitStatus)
        }
    }
}
