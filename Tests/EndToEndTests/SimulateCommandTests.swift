import ConnectorKit
import ConnectorTesting
import Foundation
import Simulators
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("connector simulate")
struct SimulateCommandTests {
    @Test("--write --no-business-rules: prints the files and ready-to-paste lines that work word for word, sync included")
    func simulateThenRun() async throws {
        let home = NSTemporaryDirectory() + "connector-simulate-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let process = try ConnectorProcess.start(["simulate", "--write", home, "--no-business-rules"], home: nil)
        defer { if process.isRunning { process.send(SIGKILL) } }

        // Wait (bounded) for the banner that ends what it prints.
        _ = try await eventually(seconds: 10) { process.standardOutput.contains("Serving until interrupted") }
        let text = process.standardOutput
        #expect(text.contains("Serving until interrupted"), "simulate printed: \(text)")
        #expect(!text.contains("[OPCON API CONNECTION]"), "the files are written, not printed")
        #expect(text.split(separator: "\n").count < 40, "it fits on a screen:\n\(text)")
        for file in ["Connector.config", "templates/servicenow.json", "templates/summit.json"] {
            #expect(text.contains("  \(home)/\(file)\n"), "\(file) not listed:\n\(text)")
        }
        #expect(text.contains("SMA business rules off"))

        // Every connector line runs this very executable with --home, as pasted.
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func pasted(_ marker: String) throws -> [String] {
            let line = try #require(lines.first { $0.hasPrefix("/") && $0.contains(marker) }, "no line with \(marker):\n\(text)")
            let words = line.components(separatedBy: "     (")[0].split(separator: " ").map(String.init)
            #expect(words.first.map { ($0 as NSString).standardizingPath } == (ConnectorProcess.executable as NSString).standardizingPath)
            #expect(Array(words.dropFirst().prefix(2)) == ["--home", home])
            return Array(words.dropFirst())
        }
        let check = try await ConnectorProcess.run(try pasted(" check -t servicenow.json"), home: nil)
        #expect(check.exitCode == 0, "\(check)")
        let run = try await ConnectorProcess.run(try pasted("NIGHTLY_GL_LOAD"), home: nil)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout.hasPrefix("create: ticket INC0010001"), "\(run)")
        let again = try await ConnectorProcess.run(try pasted("NIGHTLY_GL_LOAD"), home: nil)
        #expect(again.stdout.hasPrefix("update: ticket INC0010001"), "\(again)")

        // The analyst resolves the incident with the printed request; with the business rules off only sync tells OpCon.
        let curl = try #require(lines.first { $0.hasPrefix("curl") && $0.contains("/_sim/incidents/INC0010001/state") }, "\(text)")
        let url = try #require(curl.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        let body = try #require(curl.components(separatedBy: "-d '").last?.components(separatedBy: "'").first)
        #expect(body == "{\"state\":\"6\"}")
        let answer = try await onOwnThread { try SimHTTPClient.send("POST", url, body: Data(body.utf8)) }
        #expect(answer.status == 200, "\(answer.text)")
        let sync = try await ConnectorProcess.run(try pasted(" sync -t servicenow.json --once"), home: nil)
        #expect(sync.exitCode == 0, "\(sync)")
        #expect(sync.stdout.contains("markFixed") && sync.stdout.contains("1 action(s) applied"), "\(sync)")

        process.send(SIGINT)
        #expect(try await eventually(seconds: 5) { !process.isRunning })
    }

    @Test("without --write it prints the config and templates to copy, and the business rules are on")
    func simulateWithoutWrite() async throws {
        let process = try ConnectorProcess.start(["simulate"], home: nil)
        defer { if process.isRunning { process.send(SIGKILL) } }
        _ = try await eventually(seconds: 10) { process.standardOutput.contains("Serving until interrupted") }
        let text = process.standardOutput
        #expect(text.contains("[OPCON API CONNECTION]"), "\(text)")
        #expect(text.contains("SMA business rules on"))
        #expect(text.contains("connector -a FINAPP01 -s FINANCE -jn NIGHTLY_GL_LOAD"))
        process.send(SIGINT)
        #expect(try await eventually(seconds: 5) { !process.isRunning })
    }
}
