import Foundation
import Subprocess

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one run of the built `connector` executable did.
struct ConnectorRun: Sendable, CustomStringConvertible {
    var exitCode: Int32
    var stdout: String
    var stderr: String
    /// The child's own wall time, from its start to its exit.
    var seconds: Double

    var description: String { "exit \(exitCode)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs the real `connector` binary that `swift build` / `swift test` produced, as Notification Manager would.
enum ConnectorProcess {
    /// The built executable: beside the test bundle, else in `.build/debug` of this package.
    static let executable: String = {
        var candidates: [String] = []
        if let bundle = Bundle.main.executableURL?.deletingLastPathComponent() {
            candidates.append(bundle.appendingPathComponent("connector").path)
            candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("connector").path)
        }
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("connector").path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/connector").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    /// The environment of a child run: this process's, `TZ=UTC` unless set, `CONNECTOR_HOME`, then `extra`.
    static func environment(home: String?, _ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = environment["TZ"] ?? "UTC"
        if let home { environment["CONNECTOR_HOME"] = home }
        return environment.merging(extra) { $1 }
    }

    /// Runs `connector <arguments>` with `CONNECTOR_HOME=home` and waits at most `timeout` seconds.
    static func run(
        _ arguments: [String], home: String?, environment: [String: String] = [:], timeout: Double = 120
    ) async throws -> ConnectorRun {
        try await start(arguments, home: home, environment: environment).finish(timeout: timeout)
    }

    /// Starts `connector <arguments>` without waiting (for kill and long-running tests).
    static func start(
        _ arguments: [String], home: String?, environment: [String: String] = [:],
        workingDirectory: String? = nil
    ) throws -> Subprocess {
        try Subprocess(executable, arguments, environment: Self.environment(home: home, environment), workingDirectory: workingDirectory)
    }
}

extension Subprocess {
    /// Waits for a started run without blocking a thread of Swift concurrency; kills it after `timeout` seconds.
    func finish(timeout: Double = 120) async throws -> ConnectorRun {
        let giveUp = Date().addingTimeInterval(timeout)
        while isRunning {
            if Date() > giveUp {
                send(SIGKILL)
                break
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        let code = wait()
        return ConnectorRun(exitCode: code, stdout: standardOutput, stderr: standardError, seconds: duration ?? 0)
    }
}
