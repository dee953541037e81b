import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// The rough edges a new operator hit on the command line (issue 10), each through the real executable.
@Suite("The command line an operator types")
struct CommandLineTests {
    @Test("--home before the subcommand is the install directory, for every command")
    func homeBeforeCommand() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let templates = try await ConnectorProcess.run(["--home", install.home, "templates"], home: nil)
        #expect(templates.exitCode == 0, "\(templates)")
        #expect(templates.stdout.contains("servicenow.json  servicenow  valid"), "\(templates)")
        let check = try await ConnectorProcess.run(["--home=\(install.home)", "check", "-t", "summit.json"], home: nil)
        #expect(check.exitCode == 0, "\(check)")
        let job = install.addFailedJob(job: "HOME FIRST")
        let failure = try await ConnectorProcess.run(
            ["--home", install.home] + install.failureWords(job, template: "summit.json"), home: nil)
        #expect(failure.exitCode == 0, "\(failure)")
        let twice = try await ConnectorProcess.run(["--home", install.home, "templates", "--home", install.home], home: nil)
        #expect(twice.exitCode == 64 && twice.stderr.contains("--home is given twice"), "\(twice)")
    }

    @Test("a misspelt option on the failure line is reported as such, with a guess, not as a missing Connector.config")
    func misspeltHome() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let job = install.addFailedJob(job: "TYPO")
        let run = try await ConnectorProcess.run(install.failureWords(job, template: "summit.json") + ["--hom", install.home], home: nil)
        #expect(run.exitCode == 64, "\(run)")
        #expect(run.stderr.contains("unknown option --hom. Did you mean --home?"), "\(run)")
        #expect(!run.stderr.contains("Connector.config"))
    }

    @Test("errors of a subcommand start with its name once; unknown commands and options get a guess; -V is the version")
    func messages() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let bogus = try await install.run(["check", "-t", "summit.json", "--hmoe", "x"])
        #expect(bogus.exitCode == 64)
        #expect(bogus.stderr == "connector check: unknown option --hmoe. Did you mean --home? See connector check --help.\n", "\(bogus)")
        let command = try await install.run(["chek", "-t", "summit.json"])
        #expect(command.exitCode == 64)
        #expect(command.stderr.contains("unknown command \"chek\". Did you mean check?"), "\(command)")
        let version = try await ConnectorProcess.run(["-V"], home: nil)
        #expect(version.exitCode == 0 && version.stdout.hasPrefix("connector "), "\(version)")
        let outbox = try await install.run(["outbox", "lsit"])
        #expect(outbox.stderr.contains("Did you mean list?"), "\(outbox)")
    }

    @Test("encrypt takes unquoted words as one value, as the failure line does")
    func encryptWords() async throws {
        let run = try await ConnectorProcess.run(["encrypt", "-v", "two", "words"], home: nil)
        #expect(run.exitCode == 0, "\(run)")
        #expect(run.stdout == SMAEncoding.encode("two words") + "\n")
    }

    @Test("templates shows each warning, and --json lists templates, backends, validity and warnings")
    func templatesWarnings() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let run = try await install.run(["templates"])
        #expect(run.exitCode == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n")
        let header = try #require(lines.firstIndex { $0.hasPrefix("summit.json  summit  valid (1 warning(s))") }, "\(run)")
        #expect(lines[header + 1].hasPrefix("    warning: ") && lines[header + 1].contains("plain http"), "\(run)")

        let json = try await install.run(["templates", "--json"])
        let document = try JSONValue.parse(json.stdout)
        let templates = try #require(document["templates"]?.arrayValue)
        #expect(templates.compactMap { $0["file"]?.stringValue } == ["servicenow.json", "summit.json"])
        #expect(templates.allSatisfy { $0["valid"]?.boolValue == true && $0["warnings"]?.arrayValue?.count == 1 })
        #expect(templates.compactMap { $0["backend"]?.stringValue } == ["servicenow", "summit"])
    }

    @Test("a trailing comma in a template is named, at its line, by templates and check")
    func trailingComma() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let text = install.read("templates/servicenow.json") ?? ""
        // The last entry of `urls` gets a comma after it.
        let broken = text.replacingOccurrences(
            of: "\"api/now/attachment/file\"\n    }\n  ]", with: "\"api/now/attachment/file\"\n    },\n  ]")
        #expect(broken != text)
        try install.write("templates/broken.json", broken)
        // The line of the new comma: the one after the attachment url's value.
        let before = try #require(broken.range(of: "\"api/now/attachment/file\"\n    },\n  ]"))
        let commaLine = broken[..<before.lowerBound].filter { $0 == "\n" }.count + 2
        let templates = try await install.run(["templates"])
        #expect(templates.exitCode == 78)
        #expect(templates.stdout.contains("broken.json  -  invalid") && templates.stdout.contains("trailing comma"), "\(templates)")
        #expect(templates.stdout.contains("line \(commaLine)"), "\(templates)")
        #expect(templates.stderr.contains("connector templates: 1 template(s)"), "\(templates)")
        let check = try await install.run(["check", "-t", "broken.json"])
        #expect(check.exitCode == 78)
        #expect(check.stdout.contains("trailing comma"), "\(check)")
    }

    @Test("outbox list --json: one document with the waiting events")
    func outboxJSON() async throws {
        let stage = try OutboxStage(general: ["DEADLINE_SECONDS=5"])
        let job = stage.addJob("WAITING")
        let outage = try Outage(stage.serviceNow)
        let failed = try await stage.fail(job, .serviceNow)
        #expect(failed.exitCode == 75, "\(failed)")
        try outage.end()
        let run = try await stage.install.run(["outbox", "list", "--json"])
        #expect(run.exitCode == 0, "\(run)")
        let document = try JSONValue.parse(run.stdout)
        let waiting = try #require(document["waiting"]?.arrayValue)
        #expect(waiting.count == 1)
        #expect(waiting.first?["job"]?.stringValue == job.id)
        #expect(waiting.first?["template"]?.stringValue == "servicenow.json")
        #expect(waiting.first?["attempts"]?.intValue == 1)
        #expect(waiting.first?["done"]?["ticket"]?.boolValue == false)
        #expect(document["dead"]?.arrayValue?.isEmpty == true)
    }
}
