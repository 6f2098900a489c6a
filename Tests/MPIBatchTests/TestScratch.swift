import Foundation

/// Where the unit tests write their files: one directory per test process under the system's
/// temporary directory, removed with everything in it when the process exits, so that a
/// `swift test` leaves nothing behind however many directories its tests make.
enum TestScratch {
    /// The process's scratch root, made on first use.
    static let root: String = {
        let path = NSTemporaryDirectory() + "mpibatch-unit-tests-\(getpid())"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestScratch.root) }
        return path
    }()

    /// A path under the root that nothing uses yet, named `prefix` and a UUID (not created).
    static func path(_ prefix: String) -> String {
        root + "/" + prefix + "-" + UUID().uuidString
    }

    /// A fresh empty directory under the root, named `prefix` and a UUID.
    static func directory(_ prefix: String) -> String {
        let path = path(prefix)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
