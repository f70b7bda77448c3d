// swift-tools-version: 6.1
//
// Benchmarks for optimize, as a package of their own so that the benchmark harness and its
// dependencies stay out of the library's dependency graph. Run from this folder:
//
//     swift package benchmark                 # every suite
//     swift package benchmark --target PRNGStreams

import PackageDescription

let package = Package(
    name: "optimize-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "optimize", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "PRNGStreams",
            dependencies: [
                .product(name: "Sieve", package: "optimize"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/PRNGStreams",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SieveWorkloads",
            dependencies: [
                .product(name: "Sieve", package: "optimize"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SieveWorkloads",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
