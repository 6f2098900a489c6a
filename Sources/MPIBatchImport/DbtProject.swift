import Foundation

/// Where an imported dbt project's stages run: the project's root (the directory of its
/// `dbt_project.yml`, absolute) and the directory of the `profiles.yml` dbt reads there, so
/// that relative paths in either mean what they mean under `dbt build` run in the project.
struct DbtProject: Sendable {
    /// The directory of `dbt_project.yml`, absolute.
    let root: String
    /// The directory of `profiles.yml`, absolute.
    let profilesDirectory: String

    /// The project of the manifest at `manifestPath`: `projectDirectory` when given, else the
    /// nearest directory at or above the manifest's holding `dbt_project.yml`. Its profiles are
    /// in `profilesDirectory` when given, else where dbt looks: `$DBT_PROFILES_DIR`, the
    /// project's root (where the stages run), `~/.dbt`. Paths are taken from `base`.
    static func locate(
        manifestPath: String, projectDirectory: String?, profilesDirectory: String?,
        base: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(DbtImportError) -> DbtProject {
        let root: String
        if let projectDirectory {
            root = absolute(projectDirectory, from: base)
            guard exists(root + "/dbt_project.yml") else {
                throw DbtImportError(path: projectDirectory, reason: "--project-dir: no dbt_project.yml in \(root)")
            }
        } else {
            var directory = URL(fileURLWithPath: absolute(manifestPath, from: base)).deletingLastPathComponent().path
            while !exists(directory + "/dbt_project.yml") {
                let parent = URL(fileURLWithPath: directory).deletingLastPathComponent().path
                guard parent != directory else {
                    throw DbtImportError(
                        path: manifestPath, reason: "no dbt_project.yml in its directory or above: give the project's --project-dir")
                }
                directory = parent
            }
            root = directory
        }
        let places: [(String, String)]
        if let profilesDirectory {
            places = [(absolute(profilesDirectory, from: base), "--profiles-dir")]
        } else {
            places = (environment["DBT_PROFILES_DIR"].flatMap { $0.isEmpty ? nil : $0 }.map { [(absolute($0, from: base), "$DBT_PROFILES_DIR")] } ?? [])
                + [(root, "the project"), ((environment["HOME"] ?? NSHomeDirectory()) + "/.dbt", "~/.dbt")]
        }
        guard let found = places.first(where: { exists($0.0 + "/profiles.yml") }) else {
            throw DbtImportError(
                path: profilesDirectory ?? manifestPath,
                reason: "no profiles.yml in " + places.map { "\($0.0) (\($0.1))" }.joined(separator: ", ")
                    + ": dbt could not connect; give --profiles-dir")
        }
        return DbtProject(root: root, profilesDirectory: found.0)
    }

    private static func absolute(_ path: String, from base: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base, isDirectory: true)).standardizedFileURL.path
    }

    private static func exists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
