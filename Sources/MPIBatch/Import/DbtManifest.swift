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

        enum CodingKeys: String, CodingKey {
            case resourceType = "resource_type", name, packageName = "package_name", tags, dependsOn = "depends_on"
        }

        enum DependsOnKeys: String, CodingKey { case nodes }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resourceType = try container.decode(String.self, forKey: .resourceType)
            name = try container.decode(String.self, forKey: .name)
            packageName = try container.decodeIfPresent(String.self, forKey: .packageName) ?? ""
            tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
            let dependsOn = try? container.nestedContainer(keyedBy: DependsOnKeys.self, forKey: .dependsOn)
            self.dependsOn = (try dependsOn?.decodeIfPresent([String].self, forKey: .nodes)) ?? []
        }
    }

    /// The project's name (`metadata.project_name`), when the manifest has it.
    public var projectName: String?
    /// Every node by its unique id (`model.shop.orders`).
    public var nodes: [String: Node]

    enum CodingKeys: String, CodingKey { case metadata, nodes }
    enum MetadataKeys: String, CodingKey { case projectName = "project_name" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nodes = try container.decode([String: Node].self, forKey: .nodes)
        let metadata = try? container.nestedContainer(keyedBy: MetadataKeys.self, forKey: .metadata)
        projectName = try metadata?.decodeIfPresent(String.self, forKey: .projectName)
    }

    /// Reads the manifest at `path`.
    public static func load(path: String) throws(DbtImportError) -> DbtManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DbtImportError(path: path, reason: "cannot read it (is it a dbt target/manifest.json?)")
        }
        do {
            return try JSONDecoder().decode(DbtManifest.self, from: data)
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
