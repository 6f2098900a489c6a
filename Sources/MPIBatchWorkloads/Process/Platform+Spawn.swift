import MPIBatchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `posix_spawn` needs that glibc and Darwin spell differently (`Platform`): the types of
/// its file actions and attributes (structs in glibc, opaque pointers on Darwin), and the
/// change of directory, a GNU and Apple extension.
extension Platform {
    #if canImport(Darwin)
    /// `posix_spawn`'s file actions, to be set up with `posix_spawn_file_actions_init`.
    typealias SpawnActions = posix_spawn_file_actions_t?
    /// `posix_spawn`'s attributes, to be set up with `posix_spawnattr_init`.
    typealias SpawnAttributes = posix_spawnattr_t?
    #else
    /// `posix_spawn`'s file actions, to be set up with `posix_spawn_file_actions_init`.
    typealias SpawnActions = posix_spawn_file_actions_t
    /// `posix_spawn`'s attributes, to be set up with `posix_spawnattr_init`.
    typealias SpawnAttributes = posix_spawnattr_t
    #endif

    /// File actions and attributes not set up yet.
    static func unsetSpawnSettings() -> (SpawnActions, SpawnAttributes) {
        #if canImport(Darwin)
        (nil, nil)
        #else
        (posix_spawn_file_actions_t(), posix_spawnattr_t())
        #endif
    }

    /// Adds a change of directory to `directory` to `actions`; false when this C library cannot
    /// (glibc before 2.29).
    static func addChdir(_ actions: inout SpawnActions, _ directory: String) -> Bool {
        #if canImport(Darwin)
        _ = posix_spawn_file_actions_addchdir_np(&actions, directory)
        return true
        #else
        guard let addChdir = addChdirSymbol else { return false }
        _ = addChdir(&actions, directory)
        return true
        #endif
    }

    #if canImport(Glibc)
    private typealias AddChdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np`, looked up at run time because Swift's
    /// Glibc module does not declare GNU extensions.
    private static let addChdirSymbol: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }
    #endif
}
