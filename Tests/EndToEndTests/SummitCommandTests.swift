import ConnectorKit
import Foundation
import Testing

@testable import Simulators

/// The Summit side of the other commands: `-i` (SMA compatibility), `sync` (SPEC §6.3), and the repository's
/// worked-example template against the simulator.
@Suite("Summit end to end: -i, sync and the repository template")
struct SummitCommandTests {
    @Test("-i NUMBER -t summit.json prints the incident's details and writes nothing")
    func showIncident() async throws {
        let stage = try SummitStage(rules: ["includeAssignToTag": true])
        try stage.editTemplate(rules: ["includeAssignToTag": true]) { template in
            template.setting(
                "tags",
                to: [
                    [
                        "indicator": "ASSIGNTO", "indicatorValue": "ASSIGNTO", "attribute": "Assigned_Engineer_Email",
                        "value": "@example.com",
                    ]
                ])
        }
        let job = stage.addJob("SHOWN", schedule: "FINANCE DAILY", tags: ["WRKGRP_Payroll", "ASSIGNTO_jdoe"])
        _ = try await stage.fail(job)
        let number = try stage.onlyTicket().number
        try stage.summit.setStatus("In-Progress", of: number)
        let writes = stage.summitWrites

        let shown = try await stage.run(["-i", String(number), "-t", "summit.json"])
        #expect(shown.exitCode == 0, "\(shown)")
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("Ticket:    \(number)"), "\(shown)")
        #expect(lines.contains("State:     In Progress (In-Progress)"), "\(shown)")
        #expect(lines.contains("Subject:   OpCon job SHOWN failed (schedule FINANCE DAILY)"), "\(shown)")
        #expect(lines.contains("Workgroup: Payroll"), "\(shown)")
        #expect(lines.contains("Engineer:  jdoe@example.com"), "\(shown)")
        #expect(lines.contains("Link:      \(stage.link(number))"), "\(shown)")
        #expect(lines.contains { $0.hasPrefix("Updated:   ") && $0 != "Updated:   -" }, "\(shown)")
        #expect(stage.summitWrites == writes)
        #expect(stage.serviceNames.last == "IM_GetIncidentDetailsAndChangeHistory")

        let missing = try await stage.run(["-i", "999999", "-t", "summit.json"])
        #expect(missing.exitCode == 65, "\(missing)")
        #expect(missing.stderr.contains("999999"), "\(missing)")
        let foreign = try await stage.run(["-i", "INC0010001", "-t", "summit.json"])
        #expect(foreign.exitCode == 64, "\(foreign)")
        #expect(foreign.stderr.contains("INC0010001"), "\(foreign)")
    }

    @Test(
        "sync: In-Progress → Under Review, Resolved → Fixed, Cancelled → Cancelled; other states and jobs untouched; a second pass does nothing"
    )
    func sync() async throws {
        let stage = try SummitStage()
        let review = stage.addJob("REVIEW", scheduleID: 71)
        let fix = stage.addJob("FIX", scheduleID: 72)
        let cancel = stage.addJob("CANCEL", scheduleID: 73)
        let assigned = stage.addJob("ASSIGNED", scheduleID: 74)
        let fixFromReview = stage.addJob("FIX_FROM_REVIEW", scheduleID: 75)
        let reviewedAlready = stage.addJob("REVIEWED", scheduleID: 76)
        for job in [review, fix, cancel, assigned, fixFromReview, reviewedAlready] {
            #expect(try await stage.fail(job).exitCode == 0)
        }
        func set(_ job: DemoJob, _ statuses: String...) throws {
            let number = try stage.ticket(of: job).number
            for status in statuses { try stage.summit.setStatus(status, of: number) }
        }
        try set(review, "In-Progress")
        try set(fix, "In-Progress", "Resolved")
        try set(cancel, "Cancelled")
        try set(assigned, "Assigned")
        try set(fixFromReview, "Resolved")
        stage.opcon.setStatus(.underReview, of: fixFromReview.id)
        try set(reviewedAlready, "In-Progress")
        stage.opcon.setStatus(.underReview, of: reviewedAlready.id)

        let pass = try await stage.sync()
        #expect(pass.exitCode == 0, "\(pass)")
        #expect(stage.opcon.status(of: review.id) == .underReview)
        #expect(stage.opcon.status(of: fix.id) == .fixed)
        #expect(stage.opcon.status(of: cancel.id) == .cancelled)
        #expect(stage.opcon.status(of: assigned.id) == .failed, "Assigned is not In-Progress yet")
        #expect(stage.opcon.status(of: fixFromReview.id) == .fixed)
        #expect(stage.opcon.status(of: reviewedAlready.id) == .underReview)
        let actions = stage.opcon.jobActions.map { "\($0.action) \($0.jobID)" }.sorted()
        #expect(
            actions
                == ["cancel \(cancel.id)", "markFixed \(fix.id)", "markFixed \(fixFromReview.id)", "markUnderReview \(review.id)"].sorted(),
            "\(actions)")
        #expect(pass.stdout.contains("4 action(s)"), "\(pass)")

        let again = try await stage.sync()
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.contains("0 action(s)"), "\(again)")
        #expect(stage.opcon.jobActions.count == 4)
    }

    @Test("sync with \"resolvedAction\": \"restart\" restarts the job of a Resolved ticket")
    func syncRestart() async throws {
        let stage = try SummitStage()
        try stage.editTemplate { $0.setting("resolvedAction", to: "restart") }
        let job = stage.addJob("RESTART")
        _ = try await stage.fail(job)
        let number = try stage.onlyTicket().number
        try stage.summit.setStatus("In-Progress", of: number)
        try stage.summit.setStatus("Resolved", of: number)

        let pass = try await stage.sync()
        #expect(pass.exitCode == 0, "\(pass)")
        #expect(stage.opcon.jobActions.map(\.action) == ["restart"])
        #expect(stage.opcon.jobActions.first?.jobID == job.id)
        #expect(stage.opcon.status(of: job.id) != .failed)
        let again = try await stage.sync()
        #expect(again.stdout.contains("0 action(s)"), "\(again)")
        #expect(stage.opcon.jobActions.count == 1)
    }

    @Test("the repository's templates/summit.json works against the simulator")
    func repositoryTemplate() async throws {
        let stage = try SummitStage()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("templates/summit.json"), encoding: .utf8)
        let authority = String(stage.summit.baseURL.dropFirst("http://".count))
        let template = try JSONValue.parse(Data(text.utf8))
            .setting("address", to: ["name": "summit-api-server", "value": .string(stage.summit.baseURL)])
            .setting("viewAddress", to: ["name": "summit-web-ui", "value": .string(authority)])
        try stage.install.write("templates/summit.json", template.serialized(pretty: true))
        let key = ["SUMMIT_API_KEY": stage.summit.settings.apiKey]

        // Monday 10:00 is inside the template's working hours; FIN_AP routes to Finance-Batch by TAG_START.
        let job = stage.addJob(
            "AP_EXPORT", schedule: "FINANCE DAILY", agent: "FINAPP01", termination: "Exit Code 2",
            tags: ["FIN_AP", "CATNAME_Payables"], documentation: "Runbook AP-7", logFiles: ["AP_EXPORT.log": "done?\r\nno\r\n"])
        let run = try await stage.fail(job, at: "2026-11-23T10:00:00Z", environment: key)
        #expect(run.exitCode == 0, "\(run)")
        let ticket = try stage.onlyTicket()
        #expect(ticket.symptom == "OpCon job AP_EXPORT failed (schedule FINANCE DAILY)")
        #expect(
            withoutLogExcerpt(ticket.description)
                == "OpCon job AP_EXPORT of schedule FINANCE DAILY failed on agent FINAPP01 with Exit Code 2 (schedule date 2026-11-23)")
        #expect(
            ticket.workLog == [
                "Reported by the OpCon connector: job AP_EXPORT, schedule FINANCE DAILY, date 2026-11-23, agent FINAPP01, termination Exit Code 2"
            ])
        #expect(ticket.field("Urgency_Name") == "High")
        #expect(ticket.field("Impact_Name") == "Low")
        #expect(ticket.field("Caller_EmailID") == "opcon-bot@example.com")
        #expect(ticket.field("Assigned_WorkGroup_Name") == "Finance-Batch")
        #expect(ticket.field("Category_Name") == "Payables")
        #expect(ticket.field("Priority_Name") == "P3", "from [DEFAULTS]")
        #expect(ticket.customFields.map(\.value) == ["AP_EXPORT", "FINANCE DAILY", "Yes"])
        #expect(ticket.attachments.first?.data == Data("done?\r\nno\r\n".utf8))
        #expect(stage.opcon.incidentTicketID(of: job.id) == String(ticket.number))
        #expect(
            stage.opcon.incidentTicketURL(of: job.id) == "https://\(authority)/MDLIncidentMgmt/IM_TicketDetail.aspx?ID=\(ticket.number)")
        #expect(stage.opcon.documentation(of: job.id) == "Last Incident Date : 2026-11-23\nRunbook AP-7")

        // Saturday 12:00 is outside its hours (Saturday 08:00–11:00); a NOTICKET tag stops a third ticket.
        let weekend = stage.addJob("WEEKEND", scheduleID: 78, tags: ["ASSIGNTO_mary"], day: "2026-11-28")
        _ = try await stage.fail(weekend, at: "2026-11-28T12:00:00Z", environment: key)
        let saturday = try stage.ticket(of: weekend)
        #expect(saturday.field("Assigned_WorkGroup_Name") == "DevOps", "its DEFAULT tag entry over the non-working OnCall-Operations")
        #expect(saturday.field("Urgency_Name") == "Medium")
        #expect(saturday.field("Assigned_Engineer_Email") == "mary@example.com")
        let quiet = stage.addJob("QUIET", scheduleID: 79, tags: ["NOTICKET"])
        #expect(try await stage.fail(quiet, environment: key).exitCode == 0)
        #expect(stage.summit.tickets.count == 2)

        // Without its env: credential the template cannot be used: a configuration error naming the variable.
        let unset = try await stage.fail(stage.addJob("UNSET", scheduleID: 80))
        #expect(unset.exitCode == 78, "\(unset)")
        #expect(unset.stderr.contains("SUMMIT_API_KEY"), "\(unset)")
    }
}
