import Foundation
import Testing

@testable import MPIBatchImport
@testable import MPIBatchJob

/// `mpibatch import dbt` on manifests written here: each stage's dbt command, the project's
/// place, single-writer adapters, retries, and the refusals (another dbt, no profiles.yml).
@Suite struct DbtImportTests {
    /// A project directory with `dbt_project.yml`, `profiles.yml` and `target/manifest.json`.
    private struct Project {
        let root: String
        var manifest: String { root + "/target/manifest.json" }

        init(adapter: String = "postgres", dbtVersion: String = "1.10.4", schema: Int = 12, nodes: [String: [String: Any]]) throws {
            root = TestScratch.path("dbt-import")
            try FileManager.default.createDirectory(atPath: root + "/target", withIntermediateDirectories: true)
            try "name: p\nprofile: p\n".write(toFile: root + "/dbt_project.yml", atomically: true, encoding: .utf8)
            try "p: {target: dev, outputs: {dev: {type: \(adapter)}}}\n".write(toFile: root + "/profiles.yml", atomically: true, encoding: .utf8)
            let metadata: [String: Any] = [
                "project_name": "p", "dbt_version": dbtVersion, "adapter_type": adapter,
                "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v\(schema).json",
            ]
            let data = try JSONSerialization.data(withJSONObject: ["metadata": metadata, "nodes": nodes])
            try data.write(to: URL(fileURLWithPath: manifest))
        }
    }

    private static func node(
        _ kind: String, _ fqn: [String], after: [String] = [], materialized: String? = nil
    ) -> [String: Any] {
        var node: [String: Any] = [
            "resource_type": kind, "name": fqn.last!, "package_name": fqn[0], "fqn": fqn, "depends_on": ["nodes": after],
        ]
        if let materialized { node["config"] = ["materialized": materialized] }
        return node
    }

    private static var shop: [String: [String: Any]] {
        [
        "seed.p.raw": node("seed", ["p", "raw"]),
        "model.p.orders": node("model", ["p", "marts", "orders"], after: ["seed.p.raw"]),
        "model.p.items": node("model", ["p", "marts", "orders", "items"], after: ["model.p.orders"]),
        "model.p.totals": node("model", ["p", "marts", "totals"], after: ["model.p.orders"], materialized: "incremental"),
        "snapshot.p.snap": node("snapshot", ["p", "snap"], after: ["seed.p.raw"]),
        "test.p.unique_orders": node("test", ["p", "marts", "unique_orders"], after: ["model.p.orders"]),
        ]
    }

    /// The generated job's stages, loaded as mpibatch loads a job file.
    private func stages(_ text: String) throws -> [String: StageGraph.Stage] {
        let (_, graph) = try loadStageGraph(text)
        return Dictionary(uniqueKeysWithValues: graph.stages.map { ($0.name, $0) })
    }

    /// The names of the stages `name` runs after.
    private func after(_ name: String, in text: String) throws -> [String] {
        let (_, graph) = try loadStageGraph(text)
        let topology = graph.topology
        return topology.dependencies[topology.number(of: name)!].map { topology.names[$0] }
    }

    private func shell(_ stage: StageGraph.Stage?) -> String {
        guard case .tasks(let sweep, _)? = stage?.body, case .shell(let script) = sweep.task.action else { return "" }
        return script.line.source
    }

    @Test func eachStageRunsItsNodeByItsQualifiedNameInTheProjectRoot() throws {
        let project = try Project(nodes: Self.shop)
        var options = DbtImport.Options()
        options.target = "prod"
        options.vars = "{day: 3}"
        options.processPerStage = true
        let text = try DbtImport.job(manifestPath: project.manifest, options: options)
        let stages = try stages(text)
        let root = project.root
        let orders = shell(stages["orders"])
        #expect(orders.hasPrefix("dbt run --select fqn:p.marts.orders --exclude fqn:p.marts.orders.items --project-dir \(root) "))
        #expect(orders.contains("--profiles-dir \(root) --target prod --vars '{day: 3}' --target-path \"$MPIBATCH_OUT/dbt/orders\""))
        #expect(shell(stages["raw"]).hasPrefix("dbt seed --select fqn:p.raw --project-dir"))
        #expect(shell(stages["unique_orders"]).hasPrefix("dbt test --select fqn:p.marts.unique_orders --project-dir"))
        #expect(shell(stages["snap"]).hasPrefix("dbt snapshot --select fqn:p.snap --project-dir"))
        #expect(shell(stages["dbt-connection"]).hasPrefix("dbt debug --connection --project-dir \(root)"))
        #expect(text.contains("    cwd: \"\(root)\""))
        #expect(try after("raw", in: text) == ["dbt-parse"])
        #expect(try after("dbt-parse", in: text) == ["dbt-connection"])
        #expect(stages.values.allSatisfy { !$0.exclusive })
    }

    @Test func snapshotsAndIncrementalModelsAreNotRetried() throws {
        let project = try Project(nodes: Self.shop)
        var options = DbtImport.Options()
        options.retries = 3
        let text = try DbtImport.job(manifestPath: project.manifest, options: options)
        let retries = Dictionary(uniqueKeysWithValues: text.components(separatedBy: "\n  - name: ").dropFirst().map { block in
            (String(block.dropFirst().prefix { $0 != "\"" }),
             block.components(separatedBy: "retries: ").last!.prefix { $0.isNumber })
        })
        #expect(retries["snap"] == "0" && retries["totals"] == "0" && retries["dbt-connection"] == "0")
        #expect(retries["orders"] == "3" && retries["raw"] == "3" && retries["unique_orders"] == "3")
    }

    @Test func aSingleWriterWarehouseRunsInOneWorkerOrEveryStageAlone() throws {
        let project = try Project(adapter: "duckdb", nodes: Self.shop)
        var options = DbtImport.Options()
        options.processPerStage = true
        let text = try DbtImport.job(manifestPath: project.manifest, options: options)
        #expect(text.contains("# DuckDB lets one process at a time open the database for writing"))
        let stages = try stages(text)
        #expect(stages.count == 8 && stages.values.allSatisfy(\.exclusive))
        options.processPerStage = false
        options.program = try dbtProgram(in: project, offersRunner: true)
        let workerText = try DbtImport.job(manifestPath: project.manifest, options: options)
        #expect(workerText.contains("the first worker to open it holds it for the run, and the others send it their nodes"))
        #expect(try self.stages(workerText).values.allSatisfy { !$0.exclusive })  // one worker holds the database, no stage alone
        #expect(workerText.components(separatedBy: "MPIBATCH_DBT_SINGLE_WRITER: \"duckdb\"").count == stages.count + 1)  // on every stage
    }

    @Test func accumulatorsTakeALimitOfOneInOrderAndTheRestGoesOn() throws {
        var nodes = Self.shop
        nodes["model.p.a_state_accumulator"] = Self.node("model", ["p", "a_state_accumulator"], after: ["model.p.orders"])
        nodes["model.p.b_state_accumulator"] = Self.node("model", ["p", "b_state_accumulator"], after: ["seed.p.raw"])
        let project = try Project(nodes: nodes)
        var options = DbtImport.Options()
        options.processPerStage = true
        let text = try DbtImport.job(manifestPath: project.manifest, options: options)
        let (job, graph) = try loadStageGraph(text)
        #expect(job.limits.limits.map { "\($0.name)=\($0.capacity)" } == ["accumulators=1"])
        let limited = graph.stages.filter { $0.taskSpec?.uses.isEmpty == false }.map(\.name)
        #expect(Set(limited) == ["a_state_accumulator", "b_state_accumulator"])
        #expect(graph.stages.allSatisfy { !$0.exclusive })
        let (a, b) = (try after("a_state_accumulator", in: text), try after("b_state_accumulator", in: text))
        #expect(a.contains("b_state_accumulator") != b.contains("a_state_accumulator"))  // one after the other, in order
        let duck = try Project(adapter: "duckdb", nodes: nodes)  // a single writer: every stage alone, no limit
        let single = try DbtImport.job(manifestPath: duck.manifest, options: options)
        #expect(!single.contains("limits:") && !single.contains("uses:"))
    }

    @Test func aManifestOfAnotherDbtIsRefusedByItsVersion() throws {
        let project = try Project(dbtVersion: "2.0.0-beta.3", schema: 20, nodes: Self.shop)
        #expect {
            try DbtImport.job(manifestPath: project.manifest, options: DbtImport.Options())
        } throws: { error in
            "\(error)".contains("written by dbt 2.0.0-beta.3 (manifest schema v20); mpibatch imports manifests of dbt 1.x")
        }
        let future = try Project(schema: 13, nodes: Self.shop)
        #expect {
            try DbtImport.job(manifestPath: future.manifest, options: DbtImport.Options())
        } throws: { error in "\(error)".contains("written by manifest schema v13 (dbt 1.10.4)") }
    }

    @Test func profilesAreLookedForWhereDbtLooksAndTheirAbsenceIsNamed() throws {
        let project = try Project(nodes: Self.shop)
        try FileManager.default.removeItem(atPath: project.root + "/profiles.yml")
        #expect {
            try DbtProject.locate(
                manifestPath: project.manifest, projectDirectory: nil, profilesDirectory: nil, environment: ["HOME": project.root])
        } throws: { error in
            "\(error)" == "\(project.manifest): no profiles.yml in \(project.root) (the project), \(project.root)/.dbt (~/.dbt): "
                + "dbt could not connect; give --profiles-dir"
        }
        let elsewhere = project.root + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try "p: {}\n".write(toFile: elsewhere + "/profiles.yml", atomically: true, encoding: .utf8)
        let found = try DbtProject.locate(
            manifestPath: project.manifest, projectDirectory: nil, profilesDirectory: nil, environment: ["DBT_PROFILES_DIR": elsewhere])
        #expect(found.root == project.root && found.profilesDirectory == elsewhere)
        #expect {
            try DbtProject.locate(manifestPath: "/nowhere/target/manifest.json", projectDirectory: nil, profilesDirectory: elsewhere)
        } throws: { error in "\(error)".contains("no dbt_project.yml in its directory or above: give the project's --project-dir") }
    }

    @Test func durationsFromRunResultsBecomeEstimates() throws {
        let project = try Project(nodes: Self.shop)
        let results = project.root + "/target/run_results.json"
        let runResults: [String: Any] = ["results": [
            ["unique_id": "model.p.orders", "execution_time": 1.2344],
            ["unique_id": "seed.p.raw", "execution_time": 0.0001],
        ]]
        try JSONSerialization.data(withJSONObject: runResults).write(to: URL(fileURLWithPath: results))
        var options = DbtImport.Options()
        options.durationsPath = results
        let text = try DbtImport.job(manifestPath: project.manifest, options: options)
        #expect(text.contains("# estimate: from \(results) (dbt's execution_time) for 2 of 6 stages."))
        let stages = try stages(text)
        #expect(stages["orders"]?.estimate == 1.234 && stages["raw"]?.estimate == 0.001 && stages["items"]?.estimate == nil)
        options.durationsPath = project.manifest
        #expect {
            try DbtImport.job(manifestPath: project.manifest, options: options)
        } throws: { error in "\(error)".contains("--durations: not a dbt run_results.json") }
    }

    /// A `dbt` whose `#!` names `python`, a stand-in Python that answers the import's probe
    /// with its own path when `offersRunner` (as a Python with dbtRunner prints sys.executable).
    private func dbtProgram(in project: Project, offersRunner: Bool) throws -> String {
        let python = project.root + "/python-standin"
        try (offersRunner ? "#!/bin/sh\necho \"$0\"\n" : "#!/bin/sh\nexit 1\n").write(toFile: python, atomically: true, encoding: .utf8)
        let dbt = project.root + "/dbt"
        try "#!\(python)\n".write(toFile: dbt, atomically: true, encoding: .utf8)
        for path in [python, dbt] { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) }
        return dbt
    }

    @Test func stagesRunOnPersistentDbtWorkersThatEveryStageShares() throws {
        let project = try Project(nodes: Self.shop)
        var options = DbtImport.Options()
        options.program = try dbtProgram(in: project, offersRunner: true)
        options.target = "prod"
        options.vars = "{day: 3}"
        options.extraArguments = ["--full-refresh"]
        try Data().write(to: URL(fileURLWithPath: project.root + "/target/partial_parse.msgpack"))  // the workers start from it
        let made = try DbtImport.make(manifestPath: project.manifest, options: options)
        #expect(made.warnings.isEmpty)
        #expect(made.job.contains("# Stages run on persistent dbt workers (python: mpibatch_dbt:node, shipped inside mpibatch, under \(project.root)/python-standin)"))
        let stages = try stages(made.job)
        #expect(stages.count == 8)
        var launches: Set<String> = []
        for stage in stages.values {
            guard case .tasks(let sweep, _) = stage.body, case .worker(let worker) = sweep.task.action,
                case .python(let module, let function, let interpreter) = worker.program
            else { Issue.record("stage \(stage.name) is no python: stage"); continue }
            #expect(module == "mpibatch_dbt" && function == "node" && interpreter == project.root + "/python-standin")
            launches.insert(sweep.task.environment.map { "\($0.name)=\($0.value.source)" }.joined(separator: ";") + "|\(sweep.task.workingDirectory?.source ?? "")")
        }
        #expect(launches == ["MPIBATCH_DBT_PROJECT=[\"--project-dir\",\"\(project.root)\",\"--profiles-dir\",\"\(project.root)\",\"--target\",\"prod\",\"--vars\",\"{{day: 3}}\"];MPIBATCH_DBT_ARGS=[\"--full-refresh\"];MPIBATCH_DBT_PARTIAL_PARSE=\(project.root)/target/partial_parse.msgpack|\(project.root)"])
        #expect(made.job.contains("    args: {command: \"run\", select: \"fqn:p.marts.orders\", exclude: \"fqn:p.marts.orders.items\", node: \"model.p.orders\", stage: \"orders\"}"))
        #expect(made.job.contains("    args: {command: \"debug\", stage: \"dbt-connection\"}"))
        #expect(try after("raw", in: made.job) == ["dbt-connection", "dbt-parse"])  // the two first stages side by side
        #expect(try after("dbt-parse", in: made.job).isEmpty && after("orders", in: made.job) == ["raw"])
        #expect(made.job.contains("    args: {command: \"test\", select: \"fqn:p.marts.unique_orders\", node: \"test.p.unique_orders\", stage: \"unique_orders\"}"))
    }

    @Test func aDbtWithoutItsProgrammaticRunnerRunsAProcessPerStageWithAWarning() throws {
        let project = try Project(nodes: Self.shop)
        var options = DbtImport.Options()
        options.program = try dbtProgram(in: project, offersRunner: false)
        let made = try DbtImport.make(manifestPath: project.manifest, options: options)
        #expect(made.warnings == ["the Python of '\(options.program)' cannot import dbt's programmatic runner (dbtRunner, dbt 1.5 and later): each stage runs its own dbt process (seconds of dbt start-up each)"])
        #expect(shell(try stages(made.job)["orders"]).hasPrefix("\(options.program) run --select fqn:p.marts.orders"))
        #expect(!made.job.contains("mpibatch_dbt"))
    }

    @Test func wordsAreQuotedForTheShellOnlyWhenTheyNeedIt() {
        #expect(DbtStageCommand.quoted("fqn:p.marts.orders") == "fqn:p.marts.orders")
        #expect(DbtStageCommand.quoted("/a dir/it's") == "'/a dir/it'\\''s'")
        #expect(DbtStageCommand.quoted("$HOME") == "'$HOME'")
        #expect(DbtStageCommand.quoted("") == "''")
    }
}
