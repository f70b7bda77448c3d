// swift-tools-version: 6.1
//
// optimize: recovers pseudo-random generator seeds from observed draws, and searches where in a
// history that evidence lives. The PRNG and sieve arithmetic lives only in Shaders/ (Metal Shading
// Language); `_SieveKernelsCPU` compiles that same source as C++ for the CPU, and the
// `EmbedShaders` plugin embeds it for the Metal backend to compile at run time.

import PackageDescription

let package = Package(
    name: "optimize",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "optimize", targets: ["optimize"]),
        .library(name: "Sieve", targets: ["Sieve"]),
        .library(name: "SieveMetal", targets: ["SieveMetal"]),
        .library(name: "Study", targets: ["Study"]),
        .library(name: "WindowSearch", targets: ["WindowSearch"]),
        .library(name: "Campaign", targets: ["Campaign"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "OptimizeMetrics", targets: ["OptimizeMetrics"]),
        .library(name: "Soak", targets: ["Soak"]),
        .library(name: "StudyDatabase", targets: ["StudyDatabase"]),
        .library(name: "SearchWorkers", targets: ["SearchWorkers"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // MARK: - Public API

        .target(
            name: "Sieve",
            dependencies: [
                "_OptimizeSupport",
                "_SieveKernelsCPU",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        // The sieve on Apple GPUs. Where Metal does not exist (Linux) it builds against
        // `_MetalEmulation`, so that its host logic runs and is tested everywhere.
        .target(
            name: "SieveMetal",
            dependencies: ["Sieve", "_SieveKernelsCPU", "_MetalEmulation"],
            plugins: ["EmbedShaders"]
        ),
        // The TPE sampler and the study store (ask/tell), usable by any program.
        .target(
            name: "Study",
            dependencies: ["_OptimizeSupport"]
        ),
        // The window search: the sieve as a study's objective, its run store and reports.
        .target(
            name: "WindowSearch",
            dependencies: ["_OptimizeSupport", "Sieve", "Study"]
        ),
        // The overnight runner: cycles of seeds with the current champion, canaries, candidates.
        .target(
            name: "Campaign",
            dependencies: ["WindowSearch", "Sieve", "_OptimizeSupport"]
        ),
        // One self-contained HTML page of inline SVG plots per run, sweep or campaign.
        .target(
            name: "Report",
            dependencies: ["Campaign", "Soak", "OptimizeMetrics", "WindowSearch", "Sieve", "_OptimizeSupport"]
        ),
        // The metrics store: per agent, executions.jsonl, summary.json and trends (docs/operations.md §4).
        .target(
            name: "OptimizeMetrics",
            dependencies: ["_OptimizeSupport"]
        ),
        // Soak runs: iterations of benchmarks, a canary search and a chance check, auto-tuning, the KPI gate.
        .target(
            name: "Soak",
            dependencies: ["OptimizeMetrics", "WindowSearch", "Sieve", "_OptimizeSupport"]
        ),
        // The study store on PostgreSQL: studies and trials in tables, trials leased to one worker
        // at a time with a heartbeat, and the schema's migrations (docs/several-machines.md).
        .target(
            name: "StudyDatabase",
            dependencies: [
                "Study", "_OptimizeSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A window search shared by workers through a study database: each worker sieves its
        // trials on its own disk and records them in the database.
        .target(
            name: "SearchWorkers",
            dependencies: ["StudyDatabase", "WindowSearch", "Study", "Sieve", "_OptimizeSupport"]
        ),
        .executableTarget(
            name: "optimize",
            dependencies: [
                "StudyDatabase",
                "SearchWorkers",
                "Campaign",
                "Soak",
                "Report",
                "OptimizeMetrics",
                "Sieve",
                "SieveMetal",
                "Study",
                "WindowSearch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),

        // MARK: - Implementation details

        // What every module shares: the error model, atomic and append-only files, the one
        // checksummed journal, the one JSON value (reader, writer, Codable bridge), checksums,
        // timestamps, the version string and SplitMix64. It depends on nothing of the sieve.
        .target(
            name: "_OptimizeSupport",
            dependencies: [.product(name: "SystemPackage", package: "swift-system")]
        ),

        // The kernels of Shaders/ compiled as C++ through the Metal shim.
        .target(
            name: "_SieveKernelsCPU",
            cxxSettings: [
                .headerSearchPath("MetalShim"),
                .headerSearchPath("../../Shaders"),
            ]
        ),
        // The subset of the Metal API that SieveMetal uses, declared as Apple declares it; its
        // "GPU" runs the per-thread CPU build of the same kernels. Imported only where Metal is not.
        .target(
            name: "_MetalEmulation",
            dependencies: ["_SieveKernelsCPU"]
        ),
        // Splices quoted #includes into Shaders/*.metal and embeds the text as Swift strings.
        .executableTarget(
            name: "_EmbedShadersTool",
            path: "Plugins/EmbedShadersTool"
        ),
        // Runs the TPE on the benchmark functions of docs/sampler.md §4 (Scripts/tpe-benchmark/).
        .executableTarget(
            name: "_TPEBenchmark",
            dependencies: ["Study"]
        ),
        .plugin(
            name: "EmbedShaders",
            capability: .buildTool(),
            dependencies: ["_EmbedShadersTool"]
        ),

        // MARK: - Unit test bundles

        .testTarget(
            name: "SieveTests",
            dependencies: ["Sieve"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "SieveMetalTests",
            dependencies: ["SieveMetal", "Sieve", "_MetalEmulation", "_SieveKernelsCPU"]
        ),
        .testTarget(
            name: "OptimizeSupportTests",
            dependencies: ["_OptimizeSupport"]
        ),
        .testTarget(
            name: "StudyTests",
            dependencies: ["Study"]
        ),
        .testTarget(
            name: "WindowSearchTests",
            dependencies: ["WindowSearch", "Sieve", "Study"]
        ),
        .testTarget(
            name: "SoakTests",
            dependencies: ["Soak", "OptimizeMetrics", "WindowSearch", "Sieve"]
        ),
        .testTarget(
            name: "ReportTests",
            dependencies: ["Report", "Campaign", "WindowSearch", "Sieve"]
        ),
        .testTarget(
            name: "CampaignTests",
            dependencies: ["Campaign", "WindowSearch", "Sieve"]
        ),
        // A throw-away PostgreSQL server for the tests (Scripts/postgres/throwaway-cluster.sh).
        .target(
            name: "_PostgresTestServer",
            path: "Tests/_PostgresTestServer"
        ),
        .testTarget(
            name: "StudyDatabaseTests",
            dependencies: ["StudyDatabase", "Study", "_PostgresTestServer"]
        ),
        .testTarget(
            name: "OptimizeMetricsTests",
            dependencies: ["OptimizeMetrics"]
        ),
        .testTarget(
            name: "OptimizeCLITests",
            // WindowSearch writes the champion files the campaign tests replace.
            dependencies: ["optimize", "WindowSearch", "SearchWorkers", "_PostgresTestServer"]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
