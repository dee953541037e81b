// swift-tools-version:6.0
// One executable, `connector`, serving several ITSM backends as plugins.
// The product's owner asked for no package dependencies: Foundation, Dispatch and libc only.
import PackageDescription

let package = Package(
    name: "connector",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ConnectorKit", targets: ["ConnectorKit"]),
        .library(name: "SummitPlugin", targets: ["SummitPlugin"]),
        .library(name: "ServiceNowPlugin", targets: ["ServiceNowPlugin"]),
        .library(name: "Simulators", targets: ["Simulators"]),
        .executable(name: "connector", targets: ["connector"]),
    ],
    targets: [
        .target(name: "ConnectorKit"),
        .target(name: "SummitPlugin", dependencies: ["ConnectorKit"]),
        .target(name: "ServiceNowPlugin", dependencies: ["ConnectorKit"]),
        .target(name: "Simulators", dependencies: ["ConnectorKit"]),
        .executableTarget(
            name: "connector",
            dependencies: [
                "ConnectorKit", "SummitPlugin", "ServiceNowPlugin",
                // `demo` and `simulate` embed the simulators, whose sockets are POSIX; a Windows build leaves them out.
                .target(name: "Simulators", condition: .when(platforms: [.linux, .macOS])),
            ]
        ),
        // Child processes for the end-to-end tests and the benchmarks (posix_spawn; not part of the product).
        .target(name: "Subprocess"),
        // Speed and memory figures of the built executable: `swift run -c release Benchmarks` (docs/benchmarks.md).
        .executableTarget(name: "Benchmarks", dependencies: ["ConnectorKit", "Simulators", "Subprocess"]),
        .testTarget(name: "ConnectorKitTests", dependencies: ["ConnectorKit"]),
        .testTarget(name: "SummitPluginTests", dependencies: ["SummitPlugin", "Simulators"]),
        .testTarget(name: "ServiceNowPluginTests", dependencies: ["ServiceNowPlugin", "Simulators"]),
        .testTarget(name: "SimulatorsTests", dependencies: ["Simulators"]),
        .testTarget(name: "EndToEndTests", dependencies: ["connector", "Simulators", "ConnectorKit", "Subprocess"]),
    ],
    swiftLanguageModes: [.v6]
)
