import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("connector simulate")
struct SimulateCommandTests {
    @Test("serves until interrupted, and the files it writes work with the product")
    func simulateThenRun() async throws {
        let home = NSTemporaryDirectory() + "connector-simulate-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let process = try ConnectorProcess.start(["simulate", "--write", home], home: nil)
        defer { if process.isRunning { process.send(SIGKILL) } }

        // Wait (bounded) for the banner that lists the failed jobs it serves.
        _ = try await eventually(seconds: 10) { process.standardOutput.contains("Serving until interrupted") }
        let text = process.standardOutput
        #expect(text.contains("Serving until interrupted"), "simulate printed: \(text)")
        #expect(text.contains("[OPCON API CONNECTION]"))
        let line = try #require(text.split(separator: "\n").first { $0.contains("connector -a") && $0.contains("NIGHTLY_GL_LOAD") })
        var words = line.split(separator: " ").map(String.init).drop { $0 != "-a" }.map { $0 }
        words.removeAll { $0 == "connector" }

        let run = try await ConnectorProcess.run(words, home: home)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("create: ticket INC"), "\(run)")
        let again = try await ConnectorProcess.run(words, home: home)
        #expect(again.stdout.hasPrefix("update: ticket INC"), "\(again)")

        process.send(SIGINT)
        #expect(try await eventually(seconds: 5) { !process.isRunning })
    }
}
