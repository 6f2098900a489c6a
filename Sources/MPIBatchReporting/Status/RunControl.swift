import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SystemPackage

/// `mpibatch stop` and `mpibatch cancel`: a request appended to the run's `control.jsonl`
/// (one write, `O_APPEND`), then `status.json` read until rank 0 answers it.
public enum RunControl {
    /// Sends `request` to the live run in `directory` and returns rank 0's answer, waiting
    /// at most `timeoutSeconds` for it.
    public static func send(
        _ request: ControlRequest, to directory: String, timeoutSeconds: Double
    ) throws(RunControlError) -> RunStatus.Answer {
        let status: RunStatus
        do {
            status = try RunStatusReader.observe(directory: directory)
        } catch {
            throw RunControlError(exitStatus: 2, message: "\(error)")
        }
        guard status.state == .running else {
            throw RunControlError(exitStatus: 2, message: "\(directory): no live run: it is \(status.state.rawValue)")
        }
        if case .cancel(let indices) = request.action, let outside = indices.first(where: { $0 >= status.total }) {
            throw RunControlError(
                exitStatus: 2, message: "\(directory): task \(outside) is out of range: the run has tasks 0 to \(status.total - 1)")
        }
        let path = directory + "/control.jsonl"
        do {
            let file = try FileDescriptor.open(path, .writeOnly, options: [.append, .closeOnExec, .noFollow])
            defer { try? file.close() }
            _ = try file.writeAll(Array(request.line.utf8))
        } catch {
            let reason = (error as? Errno).map { String(cString: strerror($0.rawValue)) } ?? "\(error)"
            throw RunControlError(exitStatus: 2, message: "\(path): cannot write the request: \(reason)")
        }
        let deadline = MonotonicClock.seconds() + timeoutSeconds
        var watch = StatusWatch()
        while MonotonicClock.seconds() < deadline {
            if let now = try? RunStatusReader.read(directory: directory) {
                if let answer = now.answers.first(where: { $0.id == request.id }) { return answer }
                let judged = watch.judge(now)
                if judged.state != .running {
                    throw RunControlError(
                        exitStatus: 1, message: "\(directory): the run became \(judged.state.rawValue) before it read the request")
                }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw RunControlError(
            exitStatus: 1,
            message: "\(directory): the run did not answer within \(NumberText.fixed(timeoutSeconds, digits: 0)) s "
                + "(the request stays in control.jsonl and is read if rank 0 polls again)")
    }
}

/// A control request that could not be made or was not answered.
public struct RunControlError: Error, Sendable, CustomStringConvertible {
    /// 2: refused (no live run, an index out of range, a file that cannot be written); 1: no answer.
    public let exitStatus: Int32
    /// What went wrong, naming the directory or file.
    public let message: String
    /// The message.
    public var description: String { message }
}
