import ConnectorKit
import Foundation
import Testing

@testable import Simulators

@Suite("connector check and connector explain")
struct PreflightAndDryRunTests {
    @Test("check: every precondition ok on a good install", arguments: ["servicenow.json", "summit.json"])
    func checkOK(template: String) async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let run = try await install.run(["check", "-t", template])
        #expect(run.exitCode == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("ok ") }.count == 7, "\(run.stdout)")
        #expect(!lines.contains { $0.hasPrefix("failed") })
    }

    @Test("check: each failed precondition is reported with its reason")
    func checkFailures() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        // OpCon refuses the token.
        try install.write(
            "Connector.config",
            install.services.connectorConfig().split(separator: "\n")
                .map { $0.hasPrefix("TOKEN=") ? "TOKEN=env:CHECK_TOKEN" : String($0) }.joined(separator: "\n"))
        let badToken = try await install.run(["check", "-t", "servicenow.json"], environment: ["CHECK_TOKEN": "wrong"])
        #expect(badToken.exitCode == 77, "\(badToken)")
        #expect(badToken.stdout.contains("failed  OpCon authenticated call"))
        #expect(badToken.stdout.contains("ok      OpCon API"))

        // ServiceNow down, OpCon fine again.
        try install.write("Connector.config", install.services.connectorConfig())
        install.serviceNow.faults.add(Fault(.drop, count: nil))  // down, without giving its port away
        let down = try await install.run(["check", "-t", "servicenow.json"])
        #expect(down.exitCode != 0)
        #expect(down.stdout.contains("failed  ServiceNow authenticated read"), "\(down)")
        #expect(down.stdout.contains("ok      OpCon authenticated call"))

        // An invalid template.
        try install.write("templates/broken.json", "{\"connector\": \"summit\", \"urls\": []}")
        let invalid = try await install.run(["check", "-t", "broken.json"])
        #expect(invalid.exitCode == 78)
        #expect(invalid.stdout.contains("failed  template broken.json"))
        #expect(invalid.stdout.contains("credentials.apiKey"))

        // A wrong Summit key.
        let summit = try JSONValue.parse(install.read("templates/summit.json") ?? "")
        try install.write("templates/summit.json", summit.setting("credentials", to: ["apiKey": "env:CHECK_KEY"]).serialized())
        let refused = try await install.run(["check", "-t", "summit.json"], environment: ["CHECK_KEY": "nope-nope"])
        #expect(refused.exitCode == 77, "\(refused)")
        #expect(refused.stdout.contains("failed  Symphony Summit authenticated read"))
        #expect(!refused.stdout.contains("nope-nope") && !refused.stderr.contains("nope-nope"))
    }

    @Test("explain prints the decision and the payload with secrets masked, and changes nothing anywhere")
    func explainChangesNothing() async throws {
        let install = try InstallUnderTest(seedDemoJobs: false)
        let job = install.addFailedJob(job: "EXPLAINED", logFiles: ["EXPLAINED.log": "x\r\n"])
        // Job-instance actions are POSTs that only read the agent's files (explain reads the log for its excerpt).
        let opconWrites = { install.opcon.journal.matching().filter { $0.isWrite && !$0.path.hasPrefix("/api/jobinstanceactions") }.count }
        let writes = { (opconWrites(), install.serviceNow.journal.writeCount, install.summit.journal.writeCount) }
        let before = writes()
        let summit = try await install.run(["explain"] + install.failureWords(job, template: "summit.json"))
        #expect(summit.exitCode == 0, "\(summit)")
        #expect(summit.stdout.contains("decision:  create"))
        #expect(summit.stdout.contains("\"ServiceName\": \"IM_LogOrUpdateIncident\""))
        #expect(summit.stdout.contains("\"APIKey\": \"****\""))
        #expect(!summit.stdout.contains(install.summit.settings.apiKey))
        #expect(summit.stdout.contains("--- job log excerpt (EXPLAINED.log) ---\nx"), "\(summit)")

        let snow = try await install.run(["explain"] + install.failureWords(job, template: "servicenow.json"))
        #expect(snow.exitCode == 0, "\(snow)")
        #expect(snow.stdout.contains("\"correlation_id\": \"127.0.0.1:\(install.opcon.port!),\(job.id)\""))
        #expect(writes() == before)
        #expect(install.summit.tickets.isEmpty && install.serviceNow.incidents.isEmpty)
        #expect(install.opcon.incidentTicketID(of: job.id) == nil)

        // With a ticket on the job, explain names the branch it would take.
        let created = try await install.run(install.failureWords(job, template: "servicenow.json"))
        #expect(created.exitCode == 0)
        let number = try #require(install.serviceNow.incidents.first?["number"])
        try install.serviceNow.setState("6", of: number)
        install.serviceNow.waitForCallbacks()  // the business rule's markFixed reaches OpCon asynchronously
        let afterRun = writes()
        let reopen = try await install.run(["explain"] + install.failureWords(job, template: "servicenow.json"))
        #expect(reopen.stdout.contains("decision:  reopen (existing ticket \(number), state 6)"), "\(reopen)")
        #expect(writes() == afterRun)
    }
}
