// swift-tools-version:6.0
import PackageDescription

/// The library's layers, lowest first (docs/layers.md).
let layers: [Target.Dependency] = [
    "MPIBatchCore", "MPIBatchJob", "MPIBatchImport", "MPIBatchPlan", "MPIBatchJournal", "MPIBatchScheduling",
    "MPIBatchRuntime", "MPIBatchWorkloads", "MPIBatchReporting", "MPIBatchScaling", "MPIBatchLaunch",
]

let package = Package(
    name: "mpibatch",
    // macOS: the code is kept portable but is built and tested on Linux only (docs/layers.md, Platforms).
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mpibatch", targets: ["mpibatch"]),
        .library(name: "MPIBatch", targets: ["MPIBatch"]),
        .library(name: "SwiftMPI", targets: ["SwiftMPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CMPI",
            path: "CSources/CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]
        ),
        .target(name: "CMPIShim", dependencies: ["CMPI"], path: "CSources/CMPIShim"),
        .target(name: "CProcessGuard", path: "CSources/CProcessGuard"),
        .target(name: "CLanes", path: "CSources/CLanes"),
        .target(name: "CCPUCheck", path: "CSources/CCPUCheck"),
        .target(name: "CAffinity", path: "CSources/CAffinity"),
        .target(name: "SwiftMPI", dependencies: ["CMPI", "CMPIShim"]),
        // The library, one target per layer: each may import only the targets it lists, and
        // `--explicit-target-dependency-import-check error` (make test) refuses any other
        // import. Each folder's Layer.swift says what the layer is for (docs/layers.md).
        .target(name: "MPIBatchCore", dependencies: [.product(name: "SystemPackage", package: "swift-system")]),
        .target(name: "MPIBatchJob", dependencies: ["MPIBatchCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "MPIBatchImport", dependencies: ["MPIBatchCore", "MPIBatchJob"]),
        .target(name: "MPIBatchPlan", dependencies: ["MPIBatchCore", "MPIBatchJob"]),
        .target(name: "MPIBatchJournal", dependencies: ["MPIBatchCore", .product(name: "SystemPackage", package: "swift-system")]),
        .target(name: "MPIBatchScheduling", dependencies: ["MPIBatchCore", "MPIBatchJob", "MPIBatchPlan", "MPIBatchJournal"]),
        .target(
            name: "MPIBatchRuntime",
            dependencies: ["MPIBatchCore", "MPIBatchJob", "MPIBatchJournal", "MPIBatchScheduling", "SwiftMPI", "CCPUCheck"]
        ),
        .target(
            name: "MPIBatchWorkloads",
            dependencies: [
                "MPIBatchCore", "MPIBatchJob", "MPIBatchPlan", "MPIBatchJournal", "MPIBatchScheduling", "MPIBatchRuntime",
                "CLanes", "CProcessGuard", "CAffinity", .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "MPIBatchReporting",
            dependencies: ["MPIBatchCore", "MPIBatchJournal", "MPIBatchScheduling", "MPIBatchWorkloads"]
        ),
        .target(name: "MPIBatchScaling", dependencies: ["MPIBatchCore", "MPIBatchReporting"]),
        .target(
            name: "MPIBatchLaunch",
            dependencies: [
                "MPIBatchCore", "MPIBatchJob", "MPIBatchPlan", "MPIBatchJournal", "MPIBatchScheduling", "MPIBatchRuntime",
                "MPIBatchWorkloads", "MPIBatchReporting", "SwiftMPI",
            ]
        ),
        // What users import: every layer, re-exported.
        .target(name: "MPIBatch", dependencies: layers),
        .executableTarget(
            name: "mpibatch",
            dependencies: [
                "MPIBatch", "SwiftMPI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "mpibatch-bench",
            dependencies: ["MPIBatch", "SwiftMPI"],
            path: "bench/Sources/mpibatch-bench"
        ),
        .executableTarget(name: "custom-kernel-example", dependencies: ["MPIBatch"], path: "Examples/CustomKernel"),
        .testTarget(name: "MPIBatchTests", dependencies: layers + ["MPIBatch"]),
        .testTarget(name: "SwiftMPITests", dependencies: ["SwiftMPI"]),
    ],
    swiftLanguageModes: [.v6]
)
