import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch scale JOB --ranks 1,2,4`: runs the job at each rank count, each in its own
/// directory, then writes scaling.json, scaling.svg and scaling.html beside them.
struct ScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale", abstract: "Run a job at several rank counts and plot speedup and efficiency against ranks.",
        discussion: """
            Each run goes to OUT/ranks-N. Every rank gets one slot (so N ranks are N workers; pass \
            -- --slots K to change it). Speedup is measured against the smallest rank count's wall \
            time; Amdahl's law is fitted to the points (two rank counts always fit, so give three or \
            more to test it). Options after -- are passed to every `run`.
            """)

    @Argument(help: "The job file.")
    var job: String

    @Option(help: "Rank counts, comma-separated (e.g. 1,2,4,8).")
    var ranks: String

    @Option(help: "mpirun or srun.")
    var launcher: Launcher = .mpirun

    @Option(help: "Output directory (default: runs/<name>-scaling-<timestamp>).")
    var out: String?

    @Argument(parsing: .postTerminator, help: "Options for every run (after --).")
    var runOptions: [String] = []

    enum Launcher: String, ExpressibleByArgument { case mpirun, srun }

    func validate() throws {
        try OutDirectoryCheck.validate(out)
        let counts = ranks.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 100_000 }) else {
            throw ValidationError("--ranks '\(ranks)': give rank counts from 1 up, comma-separated (e.g. 1,2,4)")
        }
    }

    func run() throws {
        let spec: JobSpec
        do {
            spec = try JobLoader.load(path: job, kernels: KernelCatalog.builtIn)
        } catch {
            Diagnostics.say("\(error)")
            throw ExitCode(2)
        }
        let counts = Array(Set(ranks.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })).sorted()
        let directory = out ?? "runs/\(spec.name)-scaling-\(Int(Date().timeIntervalSince1970))"
        let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var runs: [(ranks: Int, directory: String)] = []
        for count in counts {
            let runDirectory = "\(directory)/ranks-\(count)"
            let launch: [String] =
                launcher == .mpirun
                ? ["mpirun", "--oversubscribe", "-np", String(count)] : ["srun", "--mpi=pmix", "-n", String(count)]
            let slots = runOptions.contains { $0 == "--slots" || $0.hasPrefix("--slots=") } ? [] : ["--slots", "1"]
            let arguments = launch + [binary, "run", job, "--out", runDirectory, "--quiet"] + slots + runOptions
            Diagnostics.write("mpibatch scale: \(arguments.joined(separator: " "))\n")
            let status = try Self.runProcess(arguments)
            guard status == 0 else {
                Diagnostics.write("mpibatch scale: the \(count)-rank run exited \(status); stopping\n")
                throw ExitCode(status == 2 ? 2 : 1)
            }
            runs.append((count, runDirectory))
        }
        let study = try ScalingStudy(name: spec.name, runs: runs)
        try study.write(directory: directory)
        print(study.table(), terminator: "")
        print("scaling: \(directory)/scaling.html, \(directory)/scaling.svg, \(directory)/scaling.json")
    }

    /// Runs `arguments` (looked up on PATH) with this process's output, and returns its exit status.
    private static func runProcess(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
