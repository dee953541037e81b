import ConnectorKit
import ConnectorTesting
import Foundation
import Testing

@testable import Simulators

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SPEC §6.3: `connector sync --interval S` as a long-running service, and `--once --json`, through the real executable.
@Suite("connector sync as a service end to end")
struct SyncServiceTests {
    /// A ServiceNow stage (business rules off) with `DEADLINE_SECONDS` set, and one failed job with an incident.
    func stage(deadlineSeconds: Int = 3) async throws -> (ServiceNowStage, DemoJob, ServiceNowRecord) {
        let stage = try ServiceNowStage()
        let config = stage.install.services.connectorConfig()
        try stage.install.write(
            "Connector.config", config.replacingOccurrences(of: "[GENERAL]\n", with: "[GENERAL]\nDEADLINE_SECONDS=\(deadlineSeconds)\n"))
        let job = stage.addJob("SERVICE JOB", scheduleID: 77)
        let run = try await stage.fail(job)
        #expect(run.exitCode == 0, "\(run)")
        return (stage, job, try stage.onlyIncident())
    }

    @Test(
        "--interval 1 with DEADLINE_SECONDS=3: runs past the deadline, survives OpCon down for 4 s, applies the action, exits 0 on SIGTERM")
    func serviceSurvivesAnOutage() async throws {
        let (stage, job, incident) = try await stage()
        let service = try ConnectorProcess.start(
            ["sync", "-t", "servicenow.json", "--interval", "1"], home: stage.install.home,
            environment: ["CONNECTOR_NOW": ServiceNowStage.morning])
        defer { if service.isRunning { service.send(SIGKILL) } }
        let started = Date()
        #expect(try await eventually(seconds: 10) { service.standardOutput.contains("sync pass: ") }, "\(service.standardOutput)")

        // OpCon goes away for 4 s; meanwhile the analyst resolves the incident.
        let outage = try Outage(stage.opcon)
        try stage.serviceNow.setState("6", of: incident["sys_id"]!)
        #expect(try await eventually(seconds: 10) { service.standardOutput.contains("sync pass failed") }, "\(service.standardOutput)")
        try await Task.sleep(nanoseconds: 4_000_000_000)
        try outage.end()

        #expect(try await eventually(seconds: 20) { stage.opcon.status(of: job.id) == .fixed }, "\(service.standardOutput)")
        #expect(try await eventually(seconds: 5) { service.standardOutput.contains("the outage is over") }, "\(service.standardOutput)")
        // Past 10 s (more than three deadlines) it is still serving.
        let left = 10 - Date().timeIntervalSince(started)
        if left > 0 { try await Task.sleep(nanoseconds: UInt64(left * 1_000_000_000)) }
        #expect(service.isRunning, "\(service.standardOutput)\n\(service.standardError)")

        service.send(SIGTERM)
        let asked = Date()
        let run = try await service.finish(timeout: 15)
        #expect(run.exitCode == 0, "\(run)")
        #expect(Date().timeIntervalSince(asked) < 5, "took \(Date().timeIntervalSince(asked)) s to stop")
        #expect(run.stdout.contains("sync service stopped (SIGTERM)"), "\(run)")
        #expect(run.stdout.contains("markFixed \(job.id) (ticket \(incident["number"]!)): applied"), "\(run)")
        #expect(stage.opcon.jobActions.map(\.action) == ["markFixed"], "applied once")

        // Every pass line carries its time; the outage is one warning in the log, its end one line. A pass before the
        // outage and one after it at least: how many more fit in the 10 s depends on how busy the machine is, since
        // the outage's waits double (1, 2, 4 s).
        let passLines = run.stdout.split(separator: "\n").filter { $0.contains("sync pass: ") }
        #expect(passLines.count >= 2 && passLines.allSatisfy { $0.first?.isNumber == true && $0.contains("T") }, "\(run.stdout)")
        let log = stage.install.read("log/connector.log") ?? ""
        let warnings = log.split(separator: "\n").filter { $0.contains("WARN") && $0.contains("The service keeps running") }
        #expect(warnings.count == 1, "\(log)")
        #expect(log.components(separatedBy: "the outage is over").count == 2, "\(log)")
    }

    @Test("--interval exits 77 at once when ServiceNow refuses the password, naming the template field, never the secret")
    func serviceEndsOnRefusedCredentials() async throws {
        let stage = try ServiceNowStage()
        let secret = "not-the-password-4711"
        try stage.editTemplate { template in
            template.setting("credentials", to: ["user": .string(stage.serviceNow.settings.user), "password": "env:SYNC_SNOW_PASSWORD"])
        }
        let service = try ConnectorProcess.start(
            ["sync", "-t", "servicenow.json", "--interval", "1"], home: stage.install.home,
            environment: ["SYNC_SNOW_PASSWORD": secret])
        defer { if service.isRunning { service.send(SIGKILL) } }
        let run = try await service.finish(timeout: 20)
        #expect(run.exitCode == 77, "\(run)")
        #expect(run.seconds < 10, "\(run.seconds) s")
        #expect(run.stderr.contains("credentials.password"), "\(run)")
        #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
        #expect(!(stage.install.read("log/connector.log") ?? "").contains(secret))
    }

    @Test("--once --json: one JSON document with the actions; an unreachable OpCon gives exit 69 and a document saying so")
    func onceJSON() async throws {
        let (stage, job, incident) = try await stage(deadlineSeconds: 5)
        try stage.serviceNow.setState("6", of: incident["sys_id"]!)
        let run = try await stage.install.run(
            ["sync", "-t", "servicenow.json", "--once", "--json"],
            environment: ["CONNECTOR_NOW": ServiceNowStage.morning])
        #expect(run.exitCode == 0, "\(run)")
        let document = try JSONValue.parse(run.stdout)
        #expect(document["exitCode"]?.intValue == 0)
        #expect(document["ticketsRead"]?.intValue == 1)
        #expect(document["actions"]?[0]?["action"]?.stringValue == "markFixed")
        #expect(document["actions"]?[0]?["job"]?.stringValue == job.id)
        #expect(document["actions"]?[0]?["applied"]?.boolValue == true)
        #expect(document["actions"]?[0]?["ticket"]?.stringValue == incident["number"])

        let outage = try Outage(stage.opcon)
        defer { try? outage.end() }
        let down = try await stage.install.run(
            ["sync", "-t", "servicenow.json", "--once", "--json"],
            environment: ["CONNECTOR_NOW": ServiceNowStage.morning])
        #expect(down.exitCode == 69, "\(down)")
        let failure = try JSONValue.parse(down.stdout)
        #expect(failure["exitCode"]?.intValue == 69)
        #expect(failure["error"]?.stringValue?.contains("OpCon") == true, "\(down)")
        #expect(down.stderr.split(separator: "\n").last?.hasPrefix("connector sync: OpCon") == true, "\(down)")
    }
}
