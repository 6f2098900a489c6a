import Foundation
import MPIBatchCore
import MPIBatchJob

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a task holds from its node's pools while it runs.
package struct ResourceGrant: Sendable, Equatable {
    /// Its devices, handed to it through `vendor`'s variable and `MPIBATCH_GPUS`.
    package var devices: [String]
    /// Whose variable.
    package var vendor: GPUVendor
    /// Its `memory:` in bytes (0: none), the limit its watchdog enforces.
    package var memoryBytes: Int
    /// Its place in the ledger.
    package var ticket: Int
}

/// A node's GPUs and memory budget as one pool shared by the node's ranks: a small file in
/// the node's own `/dev/shm` (named after the run directory and the host), read and written
/// under `flock` by whichever rank starts or ends a task that asks for GPUs or memory. No
/// rank owns it, so none is a round trip away, and a rank that dies gives its holds back
/// (the next reader drops the holds of processes that are gone). Tasks that ask for nothing
/// never touch it.
package final class NodeLedger: Sendable {
    /// The node's pools.
    package let resources: NodeResources
    /// The file's path.
    package let path: String
    private let descriptor: Int32
    /// `flock` excludes other processes only: a rank's own slots take turns here first.
    private let turns = NSLock()
    /// How often a waiting task looks again.
    static let pollNanoseconds: UInt64 = 20_000_000

    /// Opens (creating it if needed) the ledger of the run in `outputDirectory` on `resources.host`.
    package init(resources: NodeResources, outputDirectory: String) throws(LedgerError) {
        self.resources = resources
        path = Self.path(outputDirectory: outputDirectory, host: resources.host)
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw LedgerError(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(descriptor) }

    /// `/dev/shm/mpibatch-HASH.ledger` (the temporary directory where there is no `/dev/shm`).
    package static func path(outputDirectory: String, host: String) -> String {
        var hash = ContentHash()
        hash.add(URL(fileURLWithPath: outputDirectory).standardizedFileURL.path)
        hash.add("\n" + host)
        var isDirectory: ObjCBool = false
        let shm = FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory) && isDirectory.boolValue
        let directory = shm ? "/dev/shm" : NSTemporaryDirectory()
        return (directory as NSString).appendingPathComponent("mpibatch-\(hash.hex).ledger")
    }

    /// Waits until `ask` heads the node's queue and fits, then holds it; nil when `isStopping`
    /// turns true first (the wait is withdrawn).
    package func acquire(_ ask: TaskResources, isStopping: @Sendable () -> Bool) async -> ResourceGrant? {
        let pid = getpid()
        var ticket = update { $0.enqueue(pid: pid, gpus: ask.gpus, memoryBytes: ask.memoryBytes) }
        while true {
            let (hold, queued) = update { state in
                // A wait lost with the file (removed, or torn by a killed rank) queues again.
                if !state.waits.contains(where: { $0.ticket == ticket }) {
                    ticket = state.enqueue(pid: pid, gpus: ask.gpus, memoryBytes: ask.memoryBytes)
                }
                return (state.grant(ticket, devices: resources.gpus.devices, budget: resources.memoryBytes), ticket)
            }
            ticket = queued
            if let hold {
                return ResourceGrant(devices: hold.devices, vendor: resources.gpus.vendor, memoryBytes: hold.memoryBytes, ticket: ticket)
            }
            if isStopping() {
                update { $0.remove(ticket) }
                return nil
            }
            try? await Task.sleep(nanoseconds: Self.pollNanoseconds)
        }
    }

    /// Gives `grant` back.
    package func release(_ grant: ResourceGrant) {
        update { $0.remove(grant.ticket) }
    }

    /// Removes the file (the node's first rank, at the end of the run).
    package func remove() { unlink(path) }

    /// Reads the state under the lock, drops dead processes' holds, applies `change`, writes it back.
    @discardableResult
    private func update<T>(_ change: (inout LedgerState) -> T) -> T {
        turns.lock()
        defer { turns.unlock() }
        return locked(change)
    }

    /// `update` once this process's turn has come: under the file's lock.
    private func locked<T>(_ change: (inout LedgerState) -> T) -> T {
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while true {
            let count = pread(descriptor, &buffer, buffer.count, offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer.prefix(count)
            offset += off_t(count)
        }
        var state = LedgerState(text: String(decoding: bytes, as: UTF8.self))
        state.purge { kill($0, 0) == 0 || errno == EPERM }
        let result = change(&state)
        let text = Array(state.text.utf8)
        _ = ftruncate(descriptor, 0)
        var written = 0
        while written < text.count {
            let count = text[written...].withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(written)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            written += count
        }
        return result
    }
}

/// The node's ledger cannot be opened: exit status 2 before work starts.
package struct LedgerError: Error, Sendable, CustomStringConvertible {
    /// The ledger's path.
    package let path: String
    /// What the system said.
    package let reason: String
    /// `cannot open the node's GPU and memory ledger PATH: REASON`.
    package var description: String { "cannot open the node's GPU and memory ledger \(path): \(reason)" }
}
