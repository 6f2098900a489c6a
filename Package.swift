// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mpibatch",
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
        .target(name: "SwiftMPI", dependencies: ["CMPI", "CMPIShim"]),
        .target(
            name: "MPIBatch",
            dependencies: ["SwiftMPI", "CProcessGuard", "CLanes", "CCPUCheck", .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
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
        .testTarget(name: "MPIBatchTests", dependencies: ["MPIBatch"]),
        .testTarget(name: "SwiftMPITests", dependencies: ["SwiftMPI"]),
    ],
    swiftLanguageModes: [.v6]
)
