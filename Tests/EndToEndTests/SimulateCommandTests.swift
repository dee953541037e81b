import Foundation
import Testing

@Suite("connector simulate")
struct SimulateCommandTests {
    @Test("serves until interrupted, and the files it writes work with the product")
    func simulateThenRun() async throws {
        let home = NSTemporaryDirectory() + "connector-simulate-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let output = NSTemporaryDirectory() + "simulate-\(UUID().uuidString.prefix(8)).out"
        FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: ConnectorProcess.executable)
        process.arguments = ["simulate", "--write", home]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Wait (bounded) for the banner that lists the failed jobs it serves.
        var text = ""
        for _ in 0..<200 where !text.contains("Serving until interrupted") {
            try await Task.sleep(nanoseconds: 50_000_000)
            text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }
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

        process.interrupt()
        for _ in 0..<100 where process.isRunning { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(!process.isRunning)
    }
}
