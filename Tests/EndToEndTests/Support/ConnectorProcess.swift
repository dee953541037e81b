import Foundation

/// What one run of the built `connector` executable did.
struct ConnectorRun: Sendable, CustomStringConvertible {
    var exitCode: Int32
    var stdout: String
    var stderr: String

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

    /// Runs `connector <arguments>` with `CONNECTOR_HOME=home` and waits at most `timeout` seconds.
    static func run(_ arguments: [String], home: String?, environment: [String: String] = [:], timeout: Double = 120) async throws -> ConnectorRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = env["TZ"] ?? "UTC"
        if let home { env["CONNECTOR_HOME"] = home }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice

        let outData = Collected()
        let errData = Collected()
        let readers = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            readers.enter()
            DispatchQueue.global().async {
                sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
                readers.leave()
            }
        }
        try process.run()
        let giveUp = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > giveUp {
                process.terminate()
                break
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        process.waitUntilExit()
        readers.wait()
        return ConnectorRun(exitCode: process.terminationStatus, stdout: outData.text, stderr: errData.text)
    }

    /// Starts `connector <arguments>` without waiting (for kill tests).
    static func start(_ arguments: [String], home: String, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = env["TZ"] ?? "UTC"
        env["CONNECTOR_HOME"] = home
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// Bytes gathered from a pipe on another thread.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
