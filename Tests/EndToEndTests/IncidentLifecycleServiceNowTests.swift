import ConnectorKit
import Foundation
@testable import Simulators
import Testing

/// SPEC §6.2 and §6.3 through the real executable against the ServiceNow and OpCon simulators.
@Suite("ServiceNow: the incident lifecycle, the business-rule round trip and connector sync")
struct IncidentLifecycleServiceNowTests {
    /// The simulator's template with working hours and a tag-routing rule added.
    static func template(_ install: SimulatedInstall, rules: [String: Bool] = [:]) throws -> String {
        var template = try JSONValue.parse(install.services.serviceNowTemplate(rules: rules))
        template = template.setting("workingHours", to: [
            "monday": ["start": "0800", "stop": "1900"], "sunday": ["start": "0000", "stop": "0000"],
        ])
        template = template.setting("workingHoursAttributes", to: [["name": "urgency", "value": "1"]])
        template = template.setting("nonWorkingHoursAttributes", to: [["name": "urgency", "value": "3"]])
        return template.serialized(pretty: true)
    }

    func run(_ install: SimulatedInstall, _ job: DemoJob, at moment: String = "2026-11-23T08:30:00Z") async throws -> ConnectorRun {
        try await install.run(install.failureWords(job, template: "servicenow.json"), environment: ["CONNECTOR_NOW": moment])
    }

    func onlyIncident(_ install: SimulatedInstall) throws -> ServiceNowRecord {
        #expect(install.serviceNow.incidents.count == 1)
        return try #require(install.serviceNow.incidents.first)
    }

    @Test("a created incident: expanded texts, working-hours attributes, tag routing, correlation, attachment, write-back")
    func created() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        try install.write("templates/servicenow.json", try Self.template(install))
        let log = "Starting GL load…\r\nERROR: ledger locked\r\n"
        let job = install.addFailedJob(schedule: "FINANCE DAILY", job: "GL LOAD", agent: "FINAPP01", tags: ["APP-ROUTE1"],
                                       termination: "Exit Code 2", logFiles: ["GL LOAD.log": log], date: "2026-11-23")
        let result = try await run(install, job)  // Monday 08:30 UTC: working hours
        #expect(result.exitCode == 0, "\(result)")

        let incident = try onlyIncident(install)
        let uniqueJobID = try #require(install.opcon.job(job.id)?["uniqueJobId"]?.stringValue)
        #expect(incident["short_description"] == "OpCon Task Failure (schedule FINANCE DAILY job GL LOAD server FINAPP01 error code Exit Code 2)")
        #expect(incident["description"] == "Technical data of the OpCon batch (schedule (FINANCE DAILY) job (GL LOAD) server (FINAPP01) error code (Exit Code 2) date (23-11-2026 08:30) JOBID=\(uniqueJobID))")
        #expect(incident["urgency"] == "1")
        #expect(incident["category"] == "software")  // TAG_END ROUTE1
        #expect(incident["correlation_display"] == "SMA_OPCON")
        #expect(incident["correlation_id"] == "127.0.0.1:\(install.opcon.port!),\(job.id)")

        let number = incident["number"]!, sysID = incident["sys_id"]!
        let attachment = try #require(install.serviceNow.attachments(of: number).first)
        #expect(attachment.data == Data(log.utf8))
        #expect(attachment.fileName == "GL LOAD.log")
        #expect(install.opcon.incidentTicketID(of: job.id) == "\(number)/\(sysID)")
        #expect(install.opcon.incidentTicketURL(of: job.id) == "\(install.serviceNow.baseURL)/nav_to.do?uri=incident.do?sys_id=\(sysID)")

        // Outside working hours the non-working attributes apply.
        let evening = install.addFailedJob(scheduleID: 78, job: "EVENING", date: "2026-11-23")
        _ = try await run(install, evening, at: "2026-11-23T20:00:00Z")
        #expect(install.serviceNow.incidents.last?["urgency"] == "3")
    }

    @Test("New, In Progress, On Hold: the description is updated, the state and the incident stay", arguments: ["1", "2", "3"])
    func openStates(state: String) async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        install.serviceNow.settings.businessRules = BusinessRuleSwitches(ticketAccepted: false, ticketResolved: false, ticketCancelled: false)
        let job = install.addFailedJob(job: "OPEN_\(state)", date: "2026-11-23")
        _ = try await run(install, job)
        let number = try onlyIncident(install)["number"]!
        _ = try install.serviceNow.updateIncident(number, ["state": state, "description": "edited by the analyst"])
        let again = try await run(install, job, at: "2026-11-23T09:45:00Z")
        #expect(again.stdout.hasPrefix("update:"), "\(again)")
        let incident = try onlyIncident(install)
        #expect(incident["state"] == state)
        #expect(incident["description"]?.contains("23-11-2026 09:45") == true)
    }

    @Test("Resolved: reopened to incidentReopenState with a work note")
    func resolved() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "RESOLVED", date: "2026-11-23")
        _ = try await run(install, job)
        let number = try onlyIncident(install)["number"]!
        try install.serviceNow.setState("6", of: number)
        install.serviceNow.waitForCallbacks()
        install.opcon.setStatus(.failed, of: job.id)
        let again = try await run(install, job)
        #expect(again.stdout.hasPrefix("reopen:"), "\(again)")
        #expect(try onlyIncident(install)["state"] == "2")
        #expect(install.serviceNow.journalEntries(of: number).contains { $0.element == "work_notes" && $0.value.contains("RESOLVED") })
    }

    @Test("Closed or Canceled: a new incident names the previous one, in its description and the job documentation", arguments: ["7", "8"])
    func replaced(state: String) async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "REPLACED", documentation: "Call the GL team.", date: "2026-11-23")
        _ = try await run(install, job)
        let old = try onlyIncident(install)["number"]!
        try install.serviceNow.setState(state, of: old)
        install.serviceNow.waitForCallbacks()
        install.opcon.setStatus(.failed, of: job.id)
        let again = try await run(install, job)
        #expect(again.stdout.hasPrefix("replace:"), "\(again)")
        #expect(install.serviceNow.incidents.count == 2)
        let new = try #require(install.serviceNow.incidents.last)
        #expect(new["description"]?.contains("Previous Ticket Number (\(old))") == true)
        #expect(install.opcon.documentation(of: job.id) == "Previous Ticket Number (\(old))\nCall the GL team.")
        #expect(install.opcon.incidentTicketID(of: job.id) == "\(new["number"]!)/\(new["sys_id"]!)")
    }

    @Test("alwaysCreateNewTicket, and allowTicketReopen=false with a resolved incident, open a new incident")
    func newTicketRules() async throws {
        let always = try SimulatedInstall(seedDemoJobs: false, services: SimulatedServices())
        try always.write("templates/servicenow.json", always.services.serviceNowTemplate(rules: ["alwaysCreateNewTicket": true]))
        let job = always.addFailedJob(job: "ALWAYS", date: "2026-11-23")
        _ = try await run(always, job)
        _ = try await run(always, job)
        #expect(always.serviceNow.incidents.count == 2)

        let noReopen = try SimulatedInstall(seedDemoJobs: false)
        try noReopen.write("templates/servicenow.json", noReopen.services.serviceNowTemplate(rules: ["allowTicketReopen": false]))
        let other = noReopen.addFailedJob(job: "NO_REOPEN", date: "2026-11-23")
        _ = try await run(noReopen, other)
        try noReopen.serviceNow.setState("6", of: noReopen.serviceNow.incidents[0]["number"]!)
        noReopen.serviceNow.waitForCallbacks()
        let again = try await run(noReopen, other)
        #expect(again.stdout.hasPrefix("replace:"), "\(again)")
        #expect(noReopen.serviceNow.incidents.count == 2)
    }

    @Test("the SMA business rules take the job Under Review, Fixed, Cancelled, or restart it")
    func businessRuleRoundTrip() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "ROUND_TRIP", date: "2026-11-23")
        _ = try await run(install, job)
        let number = try onlyIncident(install)["number"]!
        try install.serviceNow.setState("2", of: number)
        install.serviceNow.waitForCallbacks()
        #expect(install.opcon.status(of: job.id)?.description == "Under Review")
        try install.serviceNow.setState("6", of: number)
        install.serviceNow.waitForCallbacks()
        #expect(install.opcon.status(of: job.id)?.description == "Fixed")

        let cancelled = install.addFailedJob(scheduleID: 79, job: "CANCELLED", date: "2026-11-23")
        _ = try await run(install, cancelled)
        let second = try #require(install.serviceNow.incidents.last?["number"])
        try install.serviceNow.setState("8", of: second)
        install.serviceNow.waitForCallbacks()
        #expect(install.opcon.status(of: cancelled.id)?.description == "Cancelled")

        install.serviceNow.settings.businessRules = BusinessRuleSwitches(ticketResolved: false, ticketRestart: true)
        let restarted = install.addFailedJob(scheduleID: 81, job: "RESTARTED", date: "2026-11-23")
        _ = try await run(install, restarted)
        try install.serviceNow.setState("6", of: try #require(install.serviceNow.incidents.last?["number"]))
        install.serviceNow.waitForCallbacks()
        #expect(install.opcon.jobActions.contains { $0.jobID == restarted.id && $0.action == "restart" })
    }

    @Test("429 with Retry-After, then success: one incident")
    func rateLimited() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        install.serviceNow.injectRateLimit(count: 1, retryAfter: 1, method: "POST", path: "/api/now/table/incident")
        let job = install.addFailedJob(job: "RATE_LIMITED", date: "2026-11-23")
        let result = try await run(install, job)
        #expect(result.exitCode == 0, "\(result)")
        #expect(install.serviceNow.incidents.count == 1)
        #expect(install.serviceNow.journal.count(method: "POST", path: "/api/now/table/incident") == 2)
    }

    @Test("insert then 500: the correlation lookup finds the incident; no second POST, job written back")
    func insertThenFail() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        install.serviceNow.faults.add(Fault(.commitThenFail(500), count: 1, method: "POST", path: "/api/now/table/incident"))
        let job = install.addFailedJob(job: "UNCONFIRMED", date: "2026-11-23")
        let result = try await run(install, job)
        #expect(result.exitCode == 0, "\(result)")
        let incident = try onlyIncident(install)
        #expect(install.serviceNow.journal.count(method: "POST", path: "/api/now/table/incident") == 1)
        #expect(install.opcon.incidentTicketID(of: job.id) == "\(incident["number"]!)/\(incident["sys_id"]!)")
    }

    @Test("an incident created by a run that died before writing it back is adopted, not duplicated")
    func diedBeforeWriteBack() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "ORPHAN", date: "2026-11-23")
        let orphan = try install.serviceNow.createIncident([
            "short_description": "created by a run that died", "correlation_display": "SMA_OPCON",
            "correlation_id": "127.0.0.1:\(install.opcon.port!),\(job.id)",
        ])
        let result = try await run(install, job)
        #expect(result.exitCode == 0, "\(result)")
        #expect(try onlyIncident(install)["number"] == orphan["number"])
        #expect(install.opcon.incidentTicketID(of: job.id) == "\(orphan["number"]!)/\(orphan["sys_id"]!)")
    }

    @Test("sync with the business rules off: Failed → Under Review → Fixed, Canceled → Cancelled, a second pass does nothing")
    func syncWithoutBusinessRules() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        install.serviceNow.settings.businessRules = BusinessRuleSwitches(ticketAccepted: false, ticketResolved: false, ticketCancelled: false)
        let fixed = install.addFailedJob(job: "TO_FIX")
        let cancelled = install.addFailedJob(scheduleID: 82, job: "TO_CANCEL")
        let direct = install.addFailedJob(scheduleID: 83, job: "FIXED_AT_ONCE")
        for job in [fixed, cancelled, direct] { _ = try await install.run(install.failureWords(job, template: "servicenow.json")) }
        let numbers = install.serviceNow.incidents.map { $0["number"]! }
        #expect(numbers.count == 3)

        try install.serviceNow.setState("2", of: numbers[0])
        try install.serviceNow.setState("8", of: numbers[1])
        try install.serviceNow.setState("6", of: numbers[2])
        let first = try await install.run(["sync", "-t", "servicenow.json", "--once"])
        #expect(first.exitCode == 0, "\(first)")
        #expect(install.opcon.status(of: fixed.id)?.description == "Under Review")
        #expect(install.opcon.status(of: cancelled.id)?.description == "Cancelled")
        #expect(install.opcon.status(of: direct.id)?.description == "Fixed")  // Failed → Fixed in one pass

        try install.serviceNow.setState("6", of: numbers[0])
        _ = try await install.run(["sync", "-t", "servicenow.json", "--once"])
        #expect(install.opcon.status(of: fixed.id)?.description == "Fixed")
        let actions = install.opcon.jobActions.count
        #expect(actions == 4)
        let idle = try await install.run(["sync", "-t", "servicenow.json", "--once"])
        #expect(idle.stdout.contains("0 action(s)"), "\(idle)")
        #expect(install.opcon.jobActions.count == actions)
    }

    @Test("the repository's templates/servicenow.json works against the simulator")
    func repositoryTemplate() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("templates/servicenow.json"), encoding: .utf8)
        let template = try JSONValue.parse(text).setting("address", to: ["name": "simulator", "value": .string(install.serviceNow.baseURL)])
        try install.write("templates/servicenow.json", template.serialized(pretty: true))
        let job = install.addFailedJob(job: "FROM_REPO", tags: ["APP-GL"], logFiles: ["FROM_REPO.log": "x\r\n"])
        let result = try await install.run(install.failureWords(job, template: "servicenow.json"), environment: [
            "SERVICENOW_USER": install.serviceNow.settings.user, "SERVICENOW_PASSWORD": install.serviceNow.settings.password,
        ])
        #expect(result.exitCode == 0, "\(result)")
        #expect(install.serviceNow.incidents.count == 1)
        #expect(install.opcon.incidentTicketID(of: job.id)?.hasPrefix("INC") == true)
    }
}
