// swift-tools-version: 6.1
//
// libFuzzer targets for optimize's readers, as a package of their own so that the main package's
// `swift build` and `swift test` never compile with fuzzer flags. Build and run through
// Scripts/fuzz.sh, which passes the flags:
//
//     swift build --package-path Tests/Fuzz -c debug -Xswiftc -sanitize=fuzzer,address
//
// Each target is an executable: its `LLVMFuzzerTestOneInput` is the fuzz target, and its
// main.swift hands that to libFuzzer's driver (`FuzzDriver`). The seed corpus of target T is
// Tests/Fuzz/Corpus/T/.

import PackageDescription

/// The fuzz targets and the main package's modules each reads through.
let targets: [(name: String, modules: [String])] = [
    ("FuzzJSONReader", []),
    ("FuzzJSONDecoder", ["Sieve", "Study", "WindowSearch"]),
    ("FuzzDrawHistory", ["Sieve"]),
    ("FuzzJournal", []),
    ("FuzzSweepJournal", ["Sieve"]),
    ("FuzzLegacySweepJournal", ["Sieve"]),
    ("FuzzStudyReplay", ["Study"]),
    ("FuzzTrialRecords", ["Sieve", "Study", "WindowSearch"]),
    ("FuzzSearchSpace", ["Study"]),
    ("FuzzSearchBounds", ["Sieve", "Study", "WindowSearch"]),
    ("FuzzNumberText", ["Sieve"]),
    ("FuzzWatcherRules", ["Sieve", "WindowSearch"]),
    ("FuzzChampion", ["Sieve", "WindowSearch"]),
    ("FuzzMetricsLog", ["OptimizeMetrics"]),
]

let package = Package(
    name: "optimize-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "optimize", path: "../.."),
    ],
    targets: [
        // What the targets share: the checks that fail a run, inputs as files, the fixtures.
        .target(
            name: "FuzzSupport",
            dependencies: ["FuzzDriver", .product(name: "Sieve", package: "optimize")]
        ),
        // The declaration of libFuzzer's driver.
        .target(name: "FuzzDriver"),
    ] + targets.map { target in
        .executableTarget(
            name: target.name,
            dependencies: ["FuzzSupport"] + target.modules.map { .product(name: $0, package: "optimize") }
        )
    },
    swiftLanguageModes: [.v6]
)
