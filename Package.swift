// swift-tools-version:6.0
// One executable, `connector`, serving several ITSM backends as plugins.
// The product's owner asked for no package dependencies: Foundation, Dispatch, libc, and libcurl loaded at run time.
import PackageDescription

let package = Package(
    name: "connector",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ConnectorKit", targets: ["ConnectorKit"]),
        .library(name: "SummitPlugin", targets: ["SummitPlugin"]),
        .library(name: "ServiceNowPlugin", targets: ["ServiceNowPlugin"]),
        .library(name: "JiraPlugin", targets: ["JiraPlugin"]),
        .library(name: "Simulators", targets: ["Simulators"]),
        .executable(name: "connector", targets: ["connector"]),
    ],
    targets: [
        .target(name: "ConnectorKit"),
        // HTTP: libcurl's easy interface behind non-variadic C wrappers, the library loaded with dlopen (no headers or
        // link-time curl needed), and the transport over it. The Linux transport.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "CurlHTTP", dependencies: ["ConnectorKit", "CCurl"]),
        // HTTP over URLSession: the transport on Windows and macOS; on Linux built for the tests and benchmarks only,
        // so the executable does not link FoundationNetworking there.
        .target(name: "URLSessionHTTP", dependencies: ["ConnectorKit"]),
        .target(name: "SummitPlugin", dependencies: ["ConnectorKit"]),
        .target(name: "ServiceNowPlugin", dependencies: ["ConnectorKit"]),
        .target(name: "JiraPlugin", dependencies: ["ConnectorKit"]),
        .target(name: "Simulators", dependencies: ["ConnectorKit"]),
        // What the test targets share (scripted transport, manual clock, in-memory log sink, recorder, fake OpCon);
        // for tests only, so the executable never links it.
        .target(name: "ConnectorTesting", dependencies: ["ConnectorKit"]),
        .executableTarget(
            name: "connector",
            dependencies: [
                "ConnectorKit", "SummitPlugin", "ServiceNowPlugin", "JiraPlugin",
                .target(name: "CurlHTTP", condition: .when(platforms: [.linux])),
                .target(name: "URLSessionHTTP", condition: .when(platforms: [.windows, .macOS])),
                // `demo` and `simulate` embed the simulators, whose sockets are POSIX; a Windows build leaves them out.
                .target(name: "Simulators", condition: .when(platforms: [.linux, .macOS])),
            ]
        ),
        // Child processes for the end-to-end tests and the benchmarks (posix_spawn; not part of the product).
        .target(name: "Subprocess"),
        // Speed and memory figures of the built executable: `swift run -c release Benchmarks` (docs/benchmarks.md).
        .executableTarget(
            name: "Benchmarks",
            dependencies: ["ConnectorKit", "SummitPlugin", "ServiceNowPlugin", "Simulators", "Subprocess", "CurlHTTP", "URLSessionHTTP"]),
        .testTarget(name: "ConnectorKitTests", dependencies: ["ConnectorKit", "ConnectorTesting"]),
        .testTarget(
            name: "TransportTests",
            dependencies: ["ConnectorKit", "ConnectorTesting", "CurlHTTP", "URLSessionHTTP", "Simulators", "Subprocess"]),
        .testTarget(name: "SummitPluginTests", dependencies: ["SummitPlugin", "Simulators", "CurlHTTP", "ConnectorTesting"]),
        .testTarget(name: "ServiceNowPluginTests", dependencies: ["ServiceNowPlugin", "Simulators", "CurlHTTP", "ConnectorTesting"]),
        .testTarget(name: "JiraPluginTests", dependencies: ["JiraPlugin", "Simulators", "CurlHTTP", "ConnectorTesting"]),
        .testTarget(name: "SimulatorsTests", dependencies: ["Simulators", "ConnectorTesting"]),
        .testTarget(name: "EndToEndTests", dependencies: ["connector", "Simulators", "ConnectorKit", "ConnectorTesting", "Subprocess"]),
    ],
    swiftLanguageModes: [.v6]
)
