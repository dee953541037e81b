import ConnectorKit
import Foundation
@testable import Simulators
import Testing

/// SPEC §5 and §6.1 through the real executable against the Summit and OpCon simulators.
@Suite("Symphony Summit: routing, the ticket lifecycle, once per day, job logs, -i and sync")
struct IncidentLifecycleSummitTests {
    /// The simulator's Summit template with every routing source switched on.
    static func routingTemplate(_ install: SimulatedInstall) throws -> String {
        var template = try JSONValue.parse(install.services.summitTemplate(rules: [
            "includeTagRouting": true, "includeWorkGroupNameTag": true, "includeCategoryNameTag": true, "includeAssignToTag": true,
        ]))
        template = template.setting("attributes", to: [
            ["name": "Priority_Name", "value": "P2"], ["name": "Urgency_Name", "value": "High"],
        ])
        template = template.setting("workingHours", to: [
            "monday": ["start": "0800", "stop": "1900"], "friday": ["start": "2200", "stop": "0200"],
        ])
        template = template.setting("workingHoursAttributes", to: [["name": "Urgency_Name", "value": "Low"]])
        template = template.setting("nonWorkingHoursAttributes", to: [["name": "Urgency_Name", "value": "Medium"]])
        template = template.setting("customAttributes", to: [
            ["groupName": "Other Details", "name": "Job", "value": "@EV_Schedule/@EV_Job on @EV_Agent"],
        ])
        template = template.setting("tags", to: [
            ["indicator": "TAG_START", "indicatorValue": "APP-", "attribute": "Assigned_WorkGroup_Name", "value": "AppTeam"],
            ["indicator": "DEFAULT", "indicatorValue": "DEFAULT", "attribute": "Assigned_WorkGroup_Name", "value": "Fallback"],
            ["indicator": "ASSIGNTO", "indicatorValue": "ASSIGNTO", "attribute": "Assigned_Engineer_Email", "value": "@example.com"],
            ["indicator": "EXIT", "indicatorValue": "NOTICKET", "attribute": "", "value": ""],
        ])
        return template.serialized(pretty: true)
    }

    func run(_ install: SimulatedInstall, _ job: DemoJob, at moment: String = "2026-11-23T08:30:00Z",
             extra: [String] = []) async throws -> ConnectorRun {
        try await install.run(install.failureWords(job, template: "summit.json") + extra, environment: ["CONNECTOR_NOW": moment])
    }

    func ticket(_ install: SimulatedInstall, for job: DemoJob) throws -> SummitTicket {
        let number = try #require(install.opcon.incidentTicketID(of: job.id).flatMap(Int.init))
        return try #require(install.summit.ticket(number))
    }

    @Test("every routing source in its precedence: [DEFAULTS] < attributes < working hours < tag routing < prefix tags")
    func routing() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        try install.write("templates/summit.json", try Self.routingTemplate(install))
        let byTag = install.addFailedJob(job: "BY_TAG", agent: "FINAPP01", tags: ["app-gl"], date: "2026-11-23")
        let byPrefix = install.addFailedJob(scheduleID: 78, job: "BY_PREFIX",
                                            tags: ["APP-GL", "WRKGRP_Payroll", "CATNAME_Month End", "ASSIGNTO_jdoe"], date: "2026-11-23")
        let untagged = install.addFailedJob(scheduleID: 79, job: "UNTAGGED", date: "2026-11-23")

        #expect(try await run(install, byTag).exitCode == 0)  // Monday 08:30: working hours
        let first = try ticket(install, for: byTag)
        #expect(first.field("Sup_Function") == "IT")  // [DEFAULTS] only
        #expect(first.field("Category_Name") == "Batch")  // [DEFAULTS]
        #expect(first.field("Priority_Name") == "P2")  // attributes over [DEFAULTS] P3
        #expect(first.field("Urgency_Name") == "Low")  // working-hours attributes over attributes
        #expect(first.field("Assigned_WorkGroup_Name") == "AppTeam")  // TAG_START, ignoring case
        #expect(first.description.contains("schedule FINANCE job BY_TAG server FINAPP01 error code Exit Code 1"))
        #expect(first.customFields.first?.value == "FINANCE/BY_TAG on FINAPP01")

        #expect(try await run(install, byPrefix, at: "2026-11-28T01:30:00Z").exitCode == 0)  // Saturday 01:30: Friday's window
        let second = try ticket(install, for: byPrefix)
        #expect(second.field("Urgency_Name") == "Low")
        #expect(second.field("Assigned_WorkGroup_Name") == "Payroll")  // WRKGRP_ wins over TAG_START
        #expect(second.field("Category_Name") == "Month End")
        #expect(second.field("Assigned_Engineer_Email") == "jdoe@example.com")

        #expect(try await run(install, untagged, at: "2026-11-23T20:00:00Z").exitCode == 0)
        let third = try ticket(install, for: untagged)
        #expect(third.field("Urgency_Name") == "Medium")  // non-working hours
        #expect(third.field("Assigned_WorkGroup_Name") == "Fallback")  // DEFAULT
    }

    @Test("an EXIT tag: exit 0 and not a single Summit request")
    func exitTag() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "QUIET", tags: ["NoTicket"])
        let result = try await install.run(install.failureWords(job, template: "summit.json"))
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("NOTICKET"))
        #expect(install.summit.journal.requests == 0)
        #expect(install.opcon.incidentTicketID(of: job.id) == nil)
    }

    @Test("an open ticket is updated, a Resolved one reopened, a Closed or Cancelled one replaced")
    func lifecycle() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "LIFECYCLE", documentation: "Call the GL team.", date: "2026-11-23")
        _ = try await run(install, job)
        let number = try ticket(install, for: job).number

        let update = try await run(install, job)
        #expect(update.stdout.hasPrefix("update:"), "\(update)")
        #expect(install.summit.tickets.count == 1)
        #expect(try ticket(install, for: job).status == "New")
        #expect(try ticket(install, for: job).workLog.count == 2)

        _ = try install.summit.setStatus("In-Progress", of: number)
        _ = try install.summit.setStatus("Resolved", of: number)
        let reopen = try await run(install, job)
        #expect(reopen.stdout.hasPrefix("reopen:"), "\(reopen)")
        #expect(try ticket(install, for: job).status == "In-Progress")
        #expect(try ticket(install, for: job).reopened)

        for final in ["Closed", "Cancelled"] {
            let current = try ticket(install, for: job).number
            if final == "Closed" { _ = try install.summit.setStatus("Resolved", of: current) }
            _ = try install.summit.setStatus(final, of: current)
            let replace = try await run(install, job)
            #expect(replace.stdout.hasPrefix("replace:"), "\(replace)")
            let new = try ticket(install, for: job)
            #expect(new.number != current)
            #expect(new.description.contains("Previous Ticket Number (\(current))"))
            #expect(install.opcon.documentation(of: job.id)?.hasPrefix("Previous Ticket Number (\(current))\n") == true)
            #expect(install.opcon.incidentTicketURL(of: job.id)?.hasSuffix("IM_TicketDetail.aspx?ID=\(new.number)") == true)
        }
        #expect(install.summit.tickets.count == 3)
        #expect(install.opcon.documentation(of: job.id)?.components(separatedBy: "Previous Ticket Number").count == 2)
    }

    @Test("variables.reopenStatus chooses the status a Resolved ticket is reopened to")
    func reopenStatus() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let template = try JSONValue.parse(install.services.summitTemplate()).setting("variables", to: ["reopenStatus": "Assigned"])
        try install.write("templates/summit.json", template.serialized())
        let job = install.addFailedJob(job: "REOPEN_ASSIGNED")
        _ = try await install.run(install.failureWords(job, template: "summit.json"))
        let number = try ticket(install, for: job).number
        _ = try install.summit.setStatus("In-Progress", of: number)
        _ = try install.summit.setStatus("Resolved", of: number)
        _ = try await install.run(install.failureWords(job, template: "summit.json"))
        #expect(try ticket(install, for: job).status == "Assigned")
    }

    @Test("once per day: update before DAILY_START_HOUR on the next day, a new ticket from then on, the date line replaced")
    func oncePerDay() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        try install.write("templates/summit.json", install.services.summitTemplate(rules: ["submitSingleIncidentPerDay": true]))
        let job = install.addFailedJob(job: "DAILY", documentation: "Call the GL team.", date: "2026-11-23")

        _ = try await run(install, job, at: "2026-11-23T10:00:00Z")
        #expect(install.opcon.documentation(of: job.id) == "Last Incident Date : 2026-11-23\nCall the GL team.")
        let first = try ticket(install, for: job).number

        let inside = try await run(install, job, at: "2026-11-24T06:59:00Z")
        #expect(inside.stdout.hasPrefix("update:"), "\(inside)")
        #expect(install.summit.tickets.count == 1)

        let after = try await run(install, job, at: "2026-11-24T07:00:00Z")
        #expect(after.stdout.hasPrefix("replace:"), "\(after)")
        #expect(install.summit.tickets.count == 2)
        #expect(try ticket(install, for: job).number != first)
        let documentation = install.opcon.documentation(of: job.id) ?? ""
        #expect(documentation.hasPrefix("Last Incident Date : 2026-11-24\n"))
        #expect(documentation.components(separatedBy: "Last Incident Date").count == 2)
    }

    @Test("the job log is attached byte for byte; an over-size log is cut to its end with a header")
    func jobLogs() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let log = "Début du traitement\r\nÉchec: code 2 — “quoted”\r\n"
        let job = install.addFailedJob(job: "LOGGED", logFiles: ["LOGGED.log": log, "LOGGED.err": "stderr line\r\n"])
        _ = try await install.run(install.failureWords(job, template: "summit.json"))
        let attachments = try ticket(install, for: job).attachments
        #expect(attachments.map(\.fileName).sorted() == ["LOGGED.err", "LOGGED.log"])
        #expect(attachments.first { $0.fileName == "LOGGED.log" }?.data == Data(log.utf8))

        try install.write("Connector.config", install.services.connectorConfig().replacingOccurrences(
            of: "[GENERAL]\n", with: "[GENERAL]\nMAX_JOBLOG_BYTES=100\n"))
        let long = (1...50).map { "line \($0) of the job output\r\n" }.joined()
        let big = install.addFailedJob(scheduleID: 78, job: "BIG", logFiles: ["BIG.log": long])
        _ = try await install.run(install.failureWords(big, template: "summit.json"))
        let cut = try #require(try ticket(install, for: big).attachments.first)
        let text = String(decoding: cut.data, as: UTF8.self)
        let header = try #require(text.split(separator: "\n").first)
        #expect(header.contains("\(long.utf8.count - 100)"), "header: \(header)")
        #expect(text.hasSuffix("line 50 of the job output\r\n"))
        #expect(Data(text.utf8).count <= 100 + header.utf8.count + 1)
    }

    @Test("-i NUMBER prints the incident")
    func showIncident() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let job = install.addFailedJob(job: "SHOWN")
        _ = try await install.run(install.failureWords(job, template: "summit.json"))
        let number = try ticket(install, for: job).number
        let shown = try await install.run(["-i", String(number), "-t", "summit.json"])
        #expect(shown.exitCode == 0, "\(shown)")
        #expect(shown.stdout.contains("Incident:  \(number)"))
        #expect(shown.stdout.contains("Status:    New"))
        let missing = try await install.run(["-i", "999999", "-t", "summit.json"])
        #expect(missing.exitCode == 65)
        #expect(missing.stderr.contains("999999"))
    }

    @Test("sync maps Summit statuses: In-Progress, Resolved (or restart), Cancelled; a second pass does nothing")
    func sync() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let review = install.addFailedJob(job: "REVIEW")
        let fix = install.addFailedJob(scheduleID: 78, job: "FIX")
        let cancel = install.addFailedJob(scheduleID: 79, job: "CANCEL")
        for job in [review, fix, cancel] { _ = try await install.run(install.failureWords(job, template: "summit.json")) }
        _ = try install.summit.setStatus("In-Progress", of: try ticket(install, for: review).number)
        _ = try install.summit.setStatus("In-Progress", of: try ticket(install, for: fix).number)
        _ = try install.summit.setStatus("Resolved", of: try ticket(install, for: fix).number)
        _ = try install.summit.setStatus("Cancelled", of: try ticket(install, for: cancel).number)

        let pass = try await install.run(["sync", "-t", "summit.json", "--once"])
        #expect(pass.exitCode == 0, "\(pass)")
        #expect(install.opcon.status(of: review.id)?.description == "Under Review")
        #expect(install.opcon.status(of: fix.id)?.description == "Fixed")
        #expect(install.opcon.status(of: cancel.id)?.description == "Cancelled")
        let again = try await install.run(["sync", "-t", "summit.json", "--once"])
        #expect(again.stdout.contains("0 action(s)"), "\(again)")
        #expect(install.opcon.jobActions.count == 3)

        let template = try JSONValue.parse(install.services.summitTemplate()).setting("resolvedAction", to: "restart")
        try install.write("templates/summit.json", template.serialized())
        let restart = install.addFailedJob(scheduleID: 80, job: "RESTART")
        _ = try await install.run(install.failureWords(restart, template: "summit.json"))
        let number = try ticket(install, for: restart).number
        _ = try install.summit.setStatus("In-Progress", of: number)
        _ = try install.summit.setStatus("Resolved", of: number)
        _ = try await install.run(["sync", "-t", "summit.json", "--once"])
        #expect(install.opcon.jobActions.contains { $0.jobID == restart.id && $0.action == "restart" })
    }

    @Test("the repository's templates/summit.json works against the simulator")
    func repositoryTemplate() async throws {
        let install = try SimulatedInstall(seedDemoJobs: false)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("templates/summit.json"), encoding: .utf8)
        let authority = String(install.summit.baseURL.dropFirst("http://".count))
        let template = try JSONValue.parse(text)
            .setting("address", to: ["name": "simulator", "value": .string(install.summit.baseURL)])
            .setting("viewAddress", to: ["name": "simulator", "value": .string(authority)])
        try install.write("templates/summit.json", template.serialized(pretty: true))
        let job = install.addFailedJob(job: "FROM_REPO", tags: ["WRKGRP_Payroll"], logFiles: ["FROM_REPO.log": "x\r\n"])
        let result = try await install.run(install.failureWords(job, template: "summit.json"),
                                           environment: ["SUMMIT_API_KEY": install.summit.settings.apiKey])
        #expect(result.exitCode == 0, "\(result)")
        #expect(install.summit.tickets.count == 1)
        #expect(install.opcon.incidentTicketURL(of: job.id)?.contains(authority) == true)
    }
}
