// swift-tools-version:6.0
// A host program that links Redline as a library (by path), as an agency's own system would.
import PackageDescription

let package = Package(
    name: "EmbeddingExample",
    dependencies: [.package(name: "Redline", path: "../..")],
    targets: [
        .executableTarget(name: "EmbeddingExample", dependencies: [.product(name: "Redline", package: "Redline")]),
    ]
)
