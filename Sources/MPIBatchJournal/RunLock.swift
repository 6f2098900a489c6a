import Foundation
import MPIBatchCore
import SystemPackage

/// `OUT/run.lock`: one run per output directory. Rank 0 holds an exclusive `flock` on it
/// for the whole run and writes its host and pid into it; a second run on the directory is
/// refused with the holder's name. The kernel drops the lock when its holder dies, however it
/// dies, so a stale file left by a killed run is simply taken over.
package final class RunLock: Sendable {
    private let descriptor: FileDescriptor
    /// The lock file.
    let path: String

    /// Takes the lock of `directory`, or throws naming the run that holds it. On a file
    /// system without `flock` support the run goes on unlocked, with a warning.
    package init(directory: String, warn: (String) -> Void) throws(RunFileError) {
        path = directory + "/run.lock"
        do {
            descriptor = try FileDescriptor.open(
                path, .readWrite, options: [.create, .closeOnExec, .noFollow], permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw RunFileError(path: path, reason: JournalFileReader.openFailure((error as? Errno)?.rawValue ?? EIO))
        }
        guard flock(descriptor.rawValue, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            if code == EWOULDBLOCK {
                let holder = Self.holder(of: descriptor)
                try? descriptor.close()
                throw RunFileError(
                    path: path,
                    reason: "another run is using this directory (\(holder.isEmpty ? "holder unknown" : holder)); "
                        + "wait for it or choose another --out")
            }
            warn("\(path): cannot lock (\(String(cString: strerror(code)))); the file system may not support flock; "
                + "make sure no other run uses this directory")
            return
        }
        let identity = Array("host \(HostName.current()) pid \(getpid())\n".utf8)
        _ = try? descriptor.resize(to: 0)
        _ = try? identity.withUnsafeBytes { try descriptor.write(toAbsoluteOffset: 0, $0) }
    }

    deinit { try? descriptor.close() }  // closing the last descriptor releases the lock

    /// Lets the next run take the directory now (the run is over), not whenever this value
    /// is freed.
    package func release() {
        _ = flock(descriptor.rawValue, LOCK_UN)
    }

    private static func holder(of descriptor: FileDescriptor) -> String {
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = (try? bytes.withUnsafeMutableBytes { try descriptor.read(fromAbsoluteOffset: 0, into: $0) }) ?? 0
        guard count > 0 else { return "" }
        return String(decoding: bytes[0..<count], as: UTF8.self).trimmingCharacters(in: .newlines)
    }
}
