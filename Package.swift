// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Redline",
    products: [
        .library(name: "Redline", targets: ["Redline"]),
        .library(name: "RedlineXLSX", targets: ["RedlineXLSX"]),
        .library(name: "RedlinePostgres", targets: ["RedlinePostgres"]),
        // The C interface (include/redline.h), for hosts in C, Python, Java, Go: libRedlineC.so,
        // installed as libredline.so by Scripts/build-libredline (a product named `redline` would
        // hide the executable of that name).
        .library(name: "RedlineC", type: .dynamic, targets: ["RedlineC"]),
        .executable(name: "redline", targets: ["RedlineCLI"]),
        .executable(name: "redline-gen", targets: ["RedlineGen"]),
        .executable(name: "redline-bench", targets: ["RedlineBench"]),
        .executable(name: "redline-fuzz", targets: ["RedlineFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Tests only: exact integers for the reference evaluator's decimals.
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        // Excel workbooks (.xlsx) are zip files: ZIPFoundation reads the container (inflate),
        // in RedlineXLSX, so the core library stays Foundation-only.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // The embeddable interpreter: Swift standard library and Foundation only.
        .target(name: "Redline"),
        // GNU readline for the REPL (libreadline-dev).
        .systemLibrary(
            name: "CReadline",
            path: "Sources/CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),
        // redline.h's types for the C interface's Swift side.
        .systemLibrary(name: "CRedline", path: "include"),
        // The C interface: only Redline's public API behind opaque, registered handles.
        .target(name: "RedlineC", dependencies: ["Redline", "CRedline"]),
        // Reads .xlsx worksheets for the loader (LoadOptions.spreadsheetReader).
        .target(
            name: "RedlineXLSX",
            dependencies: ["Redline", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // Reads tables from PostgreSQL for the loader (LoadOptions.databaseReader), through
        // libpq opened at run time (Debian's libpq5): nothing to install to build.
        .target(name: "RedlinePostgres", dependencies: ["Redline"]),
        .executableTarget(
            name: "RedlineCLI",
            dependencies: [
                "Redline",
                "RedlineXLSX",
                "RedlinePostgres",
                "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Writes realistic enterprise data at any scale, deterministic for a seed.
        .executableTarget(name: "RedlineGen"),
        // Prints load, evaluation and query timings and peak memory (release builds; BENCHMARKS.md).
        .executableTarget(name: "RedlineBench", dependencies: ["Redline"]),
        // Feeds arbitrary bytes to the compiler, evaluator, query engine and CSV reader
        // (libFuzzer with -DFUZZING; otherwise it replays input files).
        .executableTarget(name: "RedlineFuzz", dependencies: ["Redline", "RedlineExprGen"]),
        // Random well-typed expressions, for the differential test and the fuzz target.
        .target(name: "RedlineExprGen"),
        .testTarget(
            name: "RedlineTests",
            // The executables are dependencies so that tests can run the built `redline`,
            // `redline-gen` and `redline-fuzz`.
            dependencies: ["Redline", "RedlineCLI", "RedlineGen", "RedlineFuzz", "RedlineExprGen", "RedlineXLSX", "RedlinePostgres", "RedlineC", "CRedline",
                           .product(name: "BigInt", package: "BigInt")]
        ),
    ]
)
