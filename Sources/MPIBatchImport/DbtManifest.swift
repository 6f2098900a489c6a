import Foundation

/// The part of a dbt `target/manifest.json` that makes a stage graph: the project's name
/// and its nodes (models, seeds, snapshots and tests) with what each depends on.
public struct DbtManifest: Decodable, Sendable {
    /// One node of the manifest.
    public struct Node: Decodable, Sendable {
        /// `model`, `seed`, `snapshot`, `test`, `analysis`, `operation`, ….
        public var resourceType: String
        /// The node's name, what `dbt … --select` takes.
        public var name: String
        /// The package it belongs to.
        public var packageName: String
        /// Its tags (`tag:` selection).
        public var tags: [String]
        /// The unique ids of the nodes (and sources) it depends on.
        public var dependsOn: [String]
        /// Its fully qualified name (`[shop, marts, orders]`); empty in a manifest without it.
        public var fqn: [String]
        /// Its materialization (`table`, `view`, `incremental`, …), when the manifest says.
        public var materialized: String?

        enum CodingKeys: String, CodingKey {
            case resourceType = "resource_type", name, packageName = "package_name", tags, dependsOn = "depends_on", fqn, config
        }

        enum DependsOnKeys: String, CodingKey { case nodes }
        enum ConfigKeys: String, CodingKey { case materialized }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resourceType = try container.decode(String.self, forKey: .resourceType)
            name = try container.decode(String.self, forKey: .name)
            packageName = try container.decodeIfPresent(String.self, forKey: .packageName) ?? ""
            tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
            let dependsOn = try? container.nestedContainer(keyedBy: DependsOnKeys.self, forKey: .dependsOn)
            self.dependsOn = (try dependsOn?.decodeIfPresent([String].self, forKey: .nodes)) ?? []
            fqn = (try? container.decodeIfPresent([String].self, forKey: .fqn)) ?? []
            let config = try? container.nestedContainer(keyedBy: ConfigKeys.self, forKey: .config)
            materialized = try? config?.decodeIfPresent(String.self, forKey: .materialized)
        }
    }

    /// The project's name (`metadata.project_name`), when the manifest has it.
    public var projectName: String?
    /// The dbt that wrote it (`metadata.dbt_version`, `1.10.23`), when the manifest says.
    public var dbtVersion: String?
    /// The manifest schema's address (`metadata.dbt_schema_version`, `…/manifest/v12.json`).
    public var schemaVersion: String?
    /// The adapter of the target it was parsed with (`metadata.adapter_type`: `duckdb`, `postgres`).
    public var adapterType: String?
    /// Every node by its unique id (`model.shop.orders`).
    public var nodes: [String: Node]

    enum CodingKeys: String, CodingKey { case metadata, nodes }
    enum MetadataKeys: String, CodingKey {
        case projectName = "project_name", dbtVersion = "dbt_version", schemaVersion = "dbt_schema_version", adapterType = "adapter_type"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let metadata = try? container.nestedContainer(keyedBy: MetadataKeys.self, forKey: .metadata)
        projectName = try metadata?.decodeIfPresent(String.self, forKey: .projectName)
        dbtVersion = try? metadata?.decodeIfPresent(String.self, forKey: .dbtVersion)
        schemaVersion = try? metadata?.decodeIfPresent(String.self, forKey: .schemaVersion)
        adapterType = try? metadata?.decodeIfPresent(String.self, forKey: .adapterType)
        try Self.checkVersion(dbtVersion: dbtVersion, schemaVersion: schemaVersion, codingPath: decoder.codingPath)
        nodes = try container.decode([String: Node].self, forKey: .nodes)
    }

    /// The manifest schemas of dbt 1.x (v4 came with dbt 1.0; v12 with 1.8, still 1.10's).
    static let schemaVersions = 4...12

    /// Refuses a manifest another dbt major version wrote: its nodes and selection rules differ.
    private static func checkVersion(dbtVersion: String?, schemaVersion: String?, codingPath: [any CodingKey]) throws {
        let major = dbtVersion.flatMap { $0.split(separator: ".").first }.map(String.init)
        let schema = schemaVersion.flatMap { address in
            address.split(separator: "/").last.flatMap { Int($0.dropFirst().prefix { $0.isNumber }) }
        }
        if let major, major != "1" {
            throw VersionMismatch(found: "dbt \(dbtVersion!)" + (schema.map { " (manifest schema v\($0))" } ?? ""))
        }
        if let schema, !schemaVersions.contains(schema) {
            throw VersionMismatch(found: "manifest schema v\(schema)" + (dbtVersion.map { " (dbt \($0))" } ?? ""))
        }
    }

    /// A manifest of another dbt major version, named by what it says it is.
    struct VersionMismatch: Error {
        /// `dbt 2.0.0 (manifest schema v20)`.
        let found: String
    }

    /// Reads the manifest at `path`.
    public static func load(path: String) throws(DbtImportError) -> DbtManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DbtImportError(path: path, reason: "cannot read it (is it a dbt target/manifest.json?)")
        }
        do {
            return try JSONDecoder().decode(DbtManifest.self, from: data)
        } catch let mismatch as VersionMismatch {
            throw DbtImportError(
                path: path,
                reason: "written by \(mismatch.found); mpibatch imports manifests of dbt 1.x (schemas v\(schemaVersions.lowerBound)"
                    + "-v\(schemaVersions.upperBound)): parse the project with a dbt 1.x (`dbt parse`)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw DbtImportError(path: path, reason: "missing \"\(key.stringValue)\" at \(Self.place(context))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw DbtImportError(path: path, reason: "unexpected value at \(Self.place(context))")
        } catch {
            throw DbtImportError(path: path, reason: "not a dbt manifest: \(error)")
        }
    }

    private static func place(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}

/// A dbt manifest that cannot be turned into a job, or a selection that names nothing.
public struct DbtImportError: Error, Sendable, CustomStringConvertible {
    /// The manifest (or the option) at fault.
    public let path: String
    /// What is wrong.
    public let reason: String
    /// `target/manifest.json: missing "nodes" at `.
    public var description: String { "\(path): \(reason)" }
}
